from django.contrib import admin

from esurat.dispositions.models import DispositionSettings, Instruction


@admin.register(Instruction)
class InstructionAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    ordering = ["order", "name"]


@admin.register(DispositionSettings)
class DispositionSettingsAdmin(admin.ModelAdmin):
    list_display = ["agency", "delegate_may_send", "allow_sideways"]
    list_select_related = ["agency"]
