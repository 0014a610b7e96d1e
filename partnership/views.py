from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .access import can_work_front_door, role_of, sees_allocated_caseload


@login_required
def home(request):
    """Send each role to where its work is; everyone else sees what they may do."""
    if can_work_front_door(request.user):
        return redirect("referrals:queue")
    if sees_allocated_caseload(request.user):
        return redirect("referrals:caseload")
    return render(request, "partnership/home.html", {"role": role_of(request.user)})
