from ninja import NinjaAPI

api = NinjaAPI(title="e-Surat API", version="1", urls_namespace="api")
