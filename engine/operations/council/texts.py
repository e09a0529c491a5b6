"""How the council's figures read in Vietnamese: "83,33%", "Từ 2/3 trở lên tổng số thành viên Hội đồng"."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def percent_text(yes: int, base: int) -> str:
    if base <= 0:
        return "0,00%"
    value = (Decimal(yes * 100) / Decimal(base)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}%".replace(".", ",")


def threshold_text(threshold: dict[str, Any]) -> str:
    """"Từ 90% trở lên tổng số thành viên Hội đồng", "Từ 2/3 trở lên số thành viên Hội đồng tham gia
    biểu quyết", from what an agenda item keeps of its threshold."""
    words = "Từ" if threshold["op"] == ">=" else "Trên"
    suffix = " trở lên" if threshold["op"] == ">=" else ""
    share = threshold.get("fraction") or f"{threshold['percent']}%"
    base = ("số thành viên Hội đồng tham gia biểu quyết (có mặt hoặc gửi phiếu bằng văn bản)"
            if threshold.get("base") == "present" else "tổng số thành viên Hội đồng")
    level = f" (mức theo {threshold['source']})" if threshold.get("source") else ""
    return f"{words} {share}{suffix} {base}{level}"
