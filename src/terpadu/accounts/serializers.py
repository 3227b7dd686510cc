from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from terpadu.accounts import selectors, services
from terpadu.accounts.models import User


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(
        max_length=254, help_text=_("The login; a verification link is sent to it.")
    )
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(max_length=150, help_text=_("Full name"))
    phone = serializers.CharField(
        max_length=24, help_text=_("WhatsApp number, e.g. 0812-3456-7890 or +62 812 3456 7890.")
    )
    consent = serializers.BooleanField(
        help_text=_("Must be true: consent to the processing of personal data (UU 27/2022)."),
        error_messages={"required": services.MSG_CONSENT_REQUIRED},
    )
    institution = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    occupation = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class RegisteredSerializer(serializers.Serializer):
    email = serializers.EmailField()
    detail = serializers.CharField()


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_('Send it as the header "Authorization: Token <token>".'))


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ProfileSerializer(serializers.ModelSerializer):
    email_verified = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["email", "email_verified", "name", "phone", "institution", "occupation", "date_joined"]
        read_only_fields = ["email", "email_verified", "date_joined"]
        extra_kwargs = {"phone": {"validators": []}}

    def get_email_verified(self, user: User) -> bool:
        return selectors.user_email_verified(user=user)


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
