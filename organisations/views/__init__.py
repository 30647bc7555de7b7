"""The pages of organisations: public pages, the team area, invitations, requests, accounts."""
