from django.urls import path

from terpadu.notify.views import dev_mailbox

urlpatterns = [path("dev/mail/", dev_mailbox, name="dev-mailbox")]
