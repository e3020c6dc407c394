"""The database refuses to move a chain head anywhere but onto the event just appended.

Every legitimate change of AuditChain is record_event's: length grows by one and last_hash becomes
the hash of the event with that seq, inserted a moment before in the same transaction. Anything
else (rewinding the head to hide deleted events, pointing it at a forged hash, deleting a used
chain) is refused, as changes to the events themselves are (0002_append_only). Someone who drops
the triggers can still do it: `manage.py verify_audit` and /healthz then report the mismatch.
"""

from django.db import migrations

ZERO = "0" * 64

PG_CREATE = f"""
CREATE OR REPLACE FUNCTION audit_chain_head_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.length <> 0 OR NEW.last_hash <> '{ZERO}' THEN
      RAISE EXCEPTION 'an audit chain starts empty';
    END IF;
    RETURN NEW;
  ELSIF TG_OP = 'DELETE' THEN
    IF OLD.length > 0 THEN
      RAISE EXCEPTION 'a used audit chain cannot be deleted';
    END IF;
    RETURN OLD;
  END IF;
  IF NEW.government_id <> OLD.government_id OR NEW.length <> OLD.length + 1
     OR NEW.last_hash IS DISTINCT FROM (
       SELECT hash FROM audit_auditevent
       WHERE government_id = NEW.government_id AND seq = NEW.length) THEN
    RAISE EXCEPTION 'an audit chain head moves only onto the event just appended';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chain_head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_auditchain
FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS audit_chain_head_guard ON audit_auditchain;
DROP FUNCTION IF EXISTS audit_chain_head_guard();
"""
SQLITE_CREATE = [
    "CREATE TRIGGER audit_chain_head_insert BEFORE INSERT ON audit_auditchain "
    f"WHEN NEW.length <> 0 OR NEW.last_hash <> '{ZERO}' "
    "BEGIN SELECT RAISE(ABORT, 'an audit chain starts empty'); END;",
    "CREATE TRIGGER audit_chain_head_update BEFORE UPDATE ON audit_auditchain "
    "WHEN NEW.government_id <> OLD.government_id OR NEW.length <> OLD.length + 1 "
    "OR NEW.last_hash IS NOT (SELECT hash FROM audit_auditevent "
    "WHERE government_id = NEW.government_id AND seq = NEW.length) "
    "BEGIN SELECT RAISE(ABORT, 'an audit chain head moves only onto the event just appended'); "
    "END;",
    "CREATE TRIGGER audit_chain_head_delete BEFORE DELETE ON audit_auditchain "
    "WHEN OLD.length > 0 "
    "BEGIN SELECT RAISE(ABORT, 'a used audit chain cannot be deleted'); END;",
]
SQLITE_TRIGGERS = ["audit_chain_head_insert", "audit_chain_head_update", "audit_chain_head_delete"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
