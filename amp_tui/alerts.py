"""The e-mail alerts of Mes alertes électroniques, under their stable keys.

Keys are what storage and JSON use; labels are the platform's own French
words. Three auto-favourite alerts are gated by a permanent-guest permission.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Alert:
    """One alert: its stable key, its French label, and its gate if any.

    ``permission`` names the Agent flag that must be set for the alert to be
    enabled; ``reason`` says in French why it is disabled otherwise.
    """

    key: str
    label: str
    permission: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class AlertGroup:
    """A titled group of alerts, with an optional note shown above it."""

    key: str
    title: str
    alerts: tuple[Alert, ...]
    note: str | None = None


ALERT_GROUPS: tuple[AlertGroup, ...] = (
    AlertGroup(
        key="favoris",
        title="Alertes liées à mes consultations favorites",
        note=(
            "Seules les consultations favorites déclenchent ces alertes. "
            "Les favoris se définissent consultation par consultation depuis "
            "le tableau de bord des consultations (★)."
        ),
        alerts=(
            Alert(
                "reponse_electronique",
                "Information de réception d'une réponse électronique sur une "
                "consultation suivie (synchrone)",
            ),
            Alert(
                "cloture_consultation",
                "Information de Clôture d'une consultation suivie (dépassement "
                "de la date limite de remise des plis) avec synthèse des "
                "retraits et dépôts électroniques (asynchrone)",
            ),
            Alert(
                "reception_message",
                "Information de réception d'un message sollicité d'entreprise "
                "sur une consultation suivie",
            ),
            Alert(
                "question_entreprise",
                "Information de réception d'une question posée par une "
                "entreprise sur une consultation suivie",
            ),
            Alert(
                "publication_boamp",
                "Information de publication au BOAMP sur une consultation suivie",
            ),
            Alert(
                "echec_publication_boamp",
                "Information d'échec de publication au BOAMP sur une "
                "consultation suivie",
            ),
            Alert(
                "validation_consultation",
                "Information de consultation en attente d'approbation ou de validation",
            ),
        ),
    ),
    AlertGroup(
        key="auto_favoris",
        title=(
            'A leur premier enregistrement en phase "Elaboration", définir '
            "automatiquement comme favoris :"
        ),
        alerts=(
            Alert("favoris_mes_consultations", "Mes consultations"),
            Alert(
                "favoris_mon_entite",
                "Les consultations de mon entité (uniquement si je suis invité "
                "permanent sur mon entité)",
                permission="guest_own_entity",
                reason="Réservé aux invités permanents sur leur entité.",
            ),
            Alert(
                "favoris_entites_dependantes",
                "Les consultations des entités qui dépendent de mon entité "
                "(uniquement si je suis invité permanent sur les entités qui "
                "dépendent de mon entité)",
                permission="guest_dependent_entities",
                reason=("Réservé aux invités permanents sur les entités dépendantes."),
            ),
            Alert(
                "favoris_entites_transverses",
                "Les consultations de mes entités associées transversalement "
                "(uniquement si je suis invité permanent transverse)",
                permission="guest_transverse_entities",
                reason="Réservé aux invités permanents transverses.",
            ),
        ),
    ),
    AlertGroup(
        key="divers",
        title="Alertes sur événements divers",
        alerts=(Alert("modification_compte", "Modification de mon compte Agent"),),
    ),
)

ALERTS: dict[str, Alert] = {
    alert.key: alert for group in ALERT_GROUPS for alert in group.alerts
}
ALERT_KEYS: tuple[str, ...] = tuple(ALERTS)
