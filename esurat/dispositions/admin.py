from django.contrib import admin

from esurat.audit.admin import AuditedAdmin
from esurat.dispositions import actions
from esurat.dispositions.models import DispositionSettings, Instruction


@admin.register(Instruction)
class InstructionAdmin(AuditedAdmin):
    audited = (actions.do_save_instruction, actions.do_delete_instruction, "instruction")
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    ordering = ["order", "name"]


@admin.register(DispositionSettings)
class DispositionSettingsAdmin(AuditedAdmin):
    audited = (actions.do_save_disposition_settings, actions.do_delete_disposition_settings,
               "agency_settings")  # fmt: skip
    list_display = ["agency", "delegate_may_send", "allow_sideways"]
    list_select_related = ["agency"]
