"""The pages of events, one module per audience: residents, organisers, the door."""
