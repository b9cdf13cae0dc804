"""A small two-week inbox of complaints and training from Haidian, with identity numbers and phones."""

from __future__ import annotations

from pathlib import Path

from core.identifiers import resident_id_check_digit

W46, W47 = "2026-11-09", "2026-11-16"
WORKER_A = "11010519850312123" + resident_id_check_digit("11010519850312123")
WORKER_B = "11010819900101456" + resident_id_check_digit("11010819900101456")
PHONE = "13800138000"


def write_csv(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")


def write_inbox(inbox: Path) -> None:
    """Two weeks of complaints and training (with identity numbers and phones) from Haidian."""
    write_csv(
        inbox / "complaints/2026-W46/haidian.csv",
        [
            ["complaint_id", "received_on", "channel", "district_code", "category", "status",
             "resolved_on", "satisfaction"],
            ["C1", "2026-11-09", "12345", "110108", "price", "resolved", "2026-11-12", "4"],
            ["C2", "2026-11-10", "app", "110108", "safety", "open", "", ""],
            ["C3", "2026-11-11", "12345", "110108", "price", "resolved", "2026-11-11", "5"],
        ],
    )  # fmt: skip
    write_csv(
        inbox / "complaints/2026-W47/haidian.csv",
        [
            ["complaint_id", "received_on", "channel", "district_code", "category", "status",
             "resolved_on", "satisfaction"],
            ["C4", "2026-11-17", "online", "110108", "contract", "resolved", "2026-11-20", "3"],
            ["C5", "2026-11-18", "12345", "110108", "price", "rejected", "", "not a number"],
        ],
    )  # fmt: skip
    write_csv(
        inbox / "training/2026-W46/haidian.csv",
        [
            ["record_id", "worker_id", "phone", "course", "provider_type", "hours",
             "completed_on", "digital_certificate"],
            ["T1", WORKER_A, PHONE, "housekeeping", "enterprise", "12", "2026-11-10", "yes"],
            ["T2", WORKER_B, "", "elderly_care", "university", "40", "2026-11-11", "no"],
            ["T3", WORKER_A, PHONE, "housekeeping", "enterprise", "8", "2026-11-12", "no"],
        ],
    )  # fmt: skip
