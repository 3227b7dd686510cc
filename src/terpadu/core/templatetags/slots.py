from django import template

from terpadu.core import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str, obj=None):
    return slots.render(name, context.get("request"), obj)
