"""Write a tempest.conf for glint behind the Keystone of start-keystone.sh.

    python gen_tempest_conf.py ACCOUNTS_JSON OUT_CONF [--v1] [--log-file PATH]

ACCOUNTS_JSON is what bootstrap.py wrote (Keystone URL, admin password, region). Tempest finds
glint in Keystone's catalog (service type ``image``, public interface) and creates its own
projects and users per test class with the bootstrap admin (dynamic credentials).

Only Glance is "available"; the image features glint lacks are switched off so that Tempest skips
what it cannot ask of glint (image import and its os_glance_* properties, locations, caching,
conversion, format inspection of uploaded data). ``--v1`` additionally enables the Images v1 API
for the tempest 35.0.0 v1 tests.
"""

import argparse
import json


def render(acc, v1, log_file):
    ks = acc["keystone"]
    admin = acc["users"]["admin"]
    sections = {
        "DEFAULT": {
            "log_file": log_file,
            "use_stderr": "false",
            "debug": "true",
        },
        "auth": {
            "use_dynamic_credentials": "true",
            "admin_username": admin["name"],
            "admin_password": admin["password"],
            "admin_project_name": "admin",
            "admin_domain_name": "Default",
            "default_credentials_domain_name": "Default",
            "create_isolated_networks": "false",
        },
        "identity": {
            "uri_v3": f"{ks}/v3",
            "auth_version": "v3",
            "region": acc["region"],
            "v3_endpoint_type": "public",
            "disable_ssl_certificate_validation": "true",
        },
        "identity-feature-enabled": {
            "api_v2": "false",
            "api_v3": "true",
        },
        "service_available": {
            "glance": "true",
            "nova": "false",
            "cinder": "false",
            "neutron": "false",
            "swift": "false",
            "heat": "false",
            "horizon": "false",
            "placement": "false",
        },
        "image": {
            "catalog_type": "image",
            "region": acc["region"],
            "endpoint_type": "public",
            # glint keeps images on local disk or S3: no web download store.
            "image_caching_enabled": "false",
            "build_timeout": "60",
        },
        "image-feature-enabled": {
            "api_v2": "true",
            "api_v1": "true" if v1 else "false",
            "import_image": "false",
            "os_glance_reserved": "false",
            "manage_locations": "false",
            "image_conversion": "false",
            "image_format_enforcement": "false",
            "do_secure_hash": "true",
            "http_store_enabled": "false",
            "store_weight_enabled": "false",
        },
        # glint enforces Glance's secure-RBAC defaults (reader / member / admin), so Tempest may
        # use its project_reader credentials where it wants a reader.
        "enforce_scope": {
            "glance": "true",
            "keystone": "false",
        },
    }
    lines = []
    for name, opts in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{k} = {v}" for k, v in opts.items())
        lines.append("")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("accounts")
    ap.add_argument("out")
    ap.add_argument("--v1", action="store_true")
    ap.add_argument("--log-file", default="tempest.log")
    args = ap.parse_args()
    with open(args.accounts) as f:
        acc = json.load(f)
    with open(args.out, "w") as f:
        f.write(render(acc, args.v1, args.log_file))


if __name__ == "__main__":
    main()
