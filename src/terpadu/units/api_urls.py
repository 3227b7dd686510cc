from rest_framework.routers import SimpleRouter

from terpadu.units.api import UnitViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="api-unit")

urlpatterns = router.urls
