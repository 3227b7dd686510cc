"""Pre-aggregated daily figures, the bookkeeping that keeps them fresh, and the monthly mail log.

A figure row holds a count or a SUM (never an average) for one unit, one local day of that unit,
one metric and one dimension value, so any period, any set of units and any grouping add up
exactly; averages and shares are divided at read time.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyFigure(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    # The unit's local calendar day (WIB/WITA/WIT), not the UTC date.
    day = models.DateField()
    metric = models.CharField(max_length=48)  # "source.metric"
    # "all" for the unit's total, else the breakdown (service, counter, channel, ...).
    dimension = models.CharField(max_length=24)
    key = models.CharField(max_length=64, blank=True)
    # Counts, sums of element scores and sums of durations in microseconds: integers add exactly.
    value = models.BigIntegerField()

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day", "metric", "dimension", "key"], name="daily_figure_once"
            )
        ]
        indexes = [models.Index(fields=["dimension", "unit", "day"], name="daily_figure_dim_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.metric}[{self.dimension}={self.key}] = {self.value}"


class RollupDay(models.Model):
    """One (unit, day) of figures: its row is the lock taken while the day is recomputed.

    `marked_at` is set after every change to a raw row of that day; the day is stale until a
    recompute begins after it (`computed_at`, when the last one took the lock). Both are read from
    the database's clock.
    """

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    marked_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("rolled-up day")
        verbose_name_plural = _("rolled-up days")
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="rollup_day_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"

    @property
    def is_stale(self) -> bool:
        return self.computed_at is None or (self.marked_at is not None and self.marked_at >= self.computed_at)


class MonthlyReport(models.Model):
    """The monthly summary of one unit (and its subtree) mailed to its admins: sent once."""

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    recipients = models.JSONField(_("recipients"), default=list)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "unit"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="monthly_report_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"
