from django.shortcuts import get_object_or_404, render

from .models import Initiative


def initiative_list(request):
    initiatives = Initiative.objects.filter(is_published=True).prefetch_related("events")
    return render(request, "initiatives/initiative_list.html", {"initiatives": initiatives})


def initiative_detail(request, slug):
    initiative = get_object_or_404(Initiative, slug=slug, is_published=True)
    events = initiative.events.filter(status="published").order_by("starts_at")
    return render(
        request,
        "initiatives/initiative_detail.html",
        {"initiative": initiative, "events": events},
    )
