from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from terpadu.accounts import services
from terpadu.accounts.serializers import (
    AccountDeleteSerializer,
    ErrorSerializer,
    ProfileSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class Refused(APIException):
    """A request refused as a whole: 400 `{"detail": ...}`."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


def api_error(error: DjangoValidationError, field_map: dict[str, str] | None = None) -> APIException:
    """A service's ValidationError as the API's error: field errors, or `{"detail": ...}`."""
    if hasattr(error, "error_dict"):
        field_map = field_map or {}
        return DRFValidationError(
            {field_map.get(field, field): msgs for field, msgs in error.message_dict.items()}
        )
    first = error.error_list[0]
    return Refused(detail=" ".join(error.messages), code=first.code or "invalid")


def _client_ip(request: Request) -> str | None:
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter().get_client_ip(request._request)
    except Exception:  # noqa: BLE001 - the consent is still valid without a known address
        return None


class RegisterView(APIView):
    """Register an account; a verification link is mailed to the address."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: RegisteredSerializer,
            400: OpenApiResponse(description="Field errors"),
            429: ErrorSerializer,
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = services.user_register(
                email=data["email"],
                password=data["password"],
                name=data["name"],
                phone=data["phone"],
                consent_given=data["consent"],
                institution=data.get("institution", ""),
                occupation=data.get("occupation", ""),
                ip_address=_client_ip(request),
                request=request._request,
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        body = {
            "email": user.email,
            "detail": _("Registered. Open the link we have emailed to %(email)s to verify it, then log in.")
            % {"email": user.email},
        }
        return Response(body, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Exchange email and password for an API token (verified addresses only)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token = services.user_token_obtain(
                request=request._request,
                email=serializer.validated_data["email"],
                password=serializer.validated_data["password"],
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response({"token": token.key})


class MeView(APIView):
    """The caller's profile."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ProfileSerializer}, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(request.user).data)

    @extend_schema(request=ProfileSerializer, responses={200: ProfileSerializer}, tags=["auth"])
    def patch(self, request: Request) -> Response:
        serializer = ProfileSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = request.user
        values = {
            "name": user.name,
            "phone": user.phone,
            "institution": user.institution,
            "occupation": user.occupation,
            **serializer.validated_data,
        }
        try:
            user = services.user_update_profile(user=user, **values)
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(ProfileSerializer(user).data)


class MeExportView(APIView):
    """Everything Terpadu holds about the caller (the same JSON as the profile page's download)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: OpenApiResponse(description="Personal data export (JSON object)")}, tags=["auth"]
    )
    def get(self, request: Request) -> Response:
        return Response(services.user_export_data(user=request.user))


class MeDeleteView(APIView):
    """Delete the caller's account and personal data; the password confirms it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=AccountDeleteSerializer, responses={204: None, 400: ErrorSerializer}, tags=["auth"]
    )
    def post(self, request: Request) -> Response:
        serializer = AccountDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.check_user_delete(user=request.user, password=serializer.validated_data["password"])
            services.user_delete(user=request.user)
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
