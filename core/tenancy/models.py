"""Tenants (Kreis, kreisfreie Stadt, Träger), their org units and locations, and plugin switches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import CreatedAt, Model, UTCDateTime
from core.tenancy.scoping import TenantScoped, tenant_foreign_key

#: Tenant kinds with their German labels (the labels are translated in the UI).
TENANT_KINDS = ("kreis", "kreisfreie_stadt", "traeger")

#: Org unit kinds found in the published concepts.
ORG_UNIT_KINDS = (
    "authority",  # Kreisverwaltung, Kommunales Integrationszentrum, Koordinierende Stelle
    "region",  # cluster / Planungsraum (Höxter's four cluster regions)
    "municipality",  # kreisangehörige Stadt oder Gemeinde
    "social_area",  # Sozialraum (Oberhausen 71–76)
    "team",  # Regionalteam, Fachteam
    "provider",  # Freier Träger holding CM posts (AWO, Caritas, Diakonie, DRK …)
    "welcome_center",
    "immigration_office",  # Ausländer-/Einbürgerungsbehörde (KIM Baustein 3)
    "service",  # a counselling service of a Träger (e.g. the JMD itself)
)


class Tenant(CreatedAt, Model):
    """One Kreis, kreisfreie Stadt or Träger sharing the installation. Not tenant-scoped itself."""

    __tablename__ = "tenant"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: URL prefix ``/<slug>/``; lowercase letters, digits and hyphens.
    slug: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    default_locale: Mapped[str] = mapped_column(String(10), default="de", nullable=False)
    #: Locales offered to this tenant's users, e.g. ``["de", "en"]``.
    locales: Mapped[list] = mapped_column(JSON, default=lambda: ["de", "en"], nullable=False)
    #: Validated theme variables (colours, logo file) from ``tenant.toml`` or the admin UI.
    theme: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: Tenant-wide settings (module-namespaced keys).
    settings: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: Bumped whenever a plugin is switched on or off; keys the hook-relay cache across processes.
    plugins_version: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    hosts: Mapped[list[TenantHost]] = relationship(
        back_populates="tenant", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


class TenantHost(Model):
    """Optional host alias (``integration.kreis-kleve.de``) resolving to one tenant."""

    __tablename__ = "tenant_host"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    host: Mapped[str] = mapped_column(String(253), unique=True, nullable=False)

    tenant: Mapped[Tenant] = relationship(back_populates="hosts")


class OrgUnit(TenantScoped, CreatedAt, Model):
    """A town, Träger, Regionalteam, Sozialraum, Welcome-Center … inside a tenant."""

    __tablename__ = "org_unit"
    __tenant_table_args__ = (
        UniqueConstraint("tenant_id", "key"),
        tenant_foreign_key("parent_id", "org_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key from ``tenant.toml`` (``rt-nord``, ``sr-71``); unique per tenant.
    key: Mapped[str] = mapped_column(String(60), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="", nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    parent: Mapped[OrgUnit | None] = relationship(
        primaryjoin="foreign(OrgUnit.parent_id) == remote(OrgUnit.id)",
        back_populates="children",
    )
    children: Mapped[list[OrgUnit]] = relationship(
        primaryjoin="foreign(remote(OrgUnit.parent_id)) == OrgUnit.id",
        back_populates="parent",
        order_by="OrgUnit.name",
    )
    locations: Mapped[list[Location]] = relationship(
        primaryjoin="foreign(Location.org_unit_id) == OrgUnit.id",
        back_populates="org_unit",
        cascade="all, delete-orphan",
        order_by="Location.name",
    )


class Location(TenantScoped, Model):
    """An address where an org unit offers counselling."""

    __tablename__ = "location"
    __tenant_table_args__ = (tenant_foreign_key("org_unit_id", "org_unit", ondelete="CASCADE"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    street: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    postcode: Mapped[str] = mapped_column(String(10), default="", nullable=False)
    city: Mapped[str] = mapped_column(String(100), default="", nullable=False)
    phone: Mapped[str] = mapped_column(String(60), default="", nullable=False)
    email: Mapped[str] = mapped_column(String(200), default="", nullable=False)

    org_unit: Mapped[OrgUnit] = relationship(
        primaryjoin="foreign(Location.org_unit_id) == OrgUnit.id", back_populates="locations"
    )


class TenantPlugin(TenantScoped, Model):
    """Whether one tenant has switched one plugin on, with its settings. One row per pair."""

    __tablename__ = "tenant_plugin"
    __tenant_table_args__ = (UniqueConstraint("tenant_id", "plugin_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plugin_name: Mapped[str] = mapped_column(String(60), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    settings: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
