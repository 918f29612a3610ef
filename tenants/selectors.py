from .models import Municipality, Subdistrict


def municipality_place(municipality: Municipality) -> Subdistrict | None:
    """The municipality's subdistrict with its district and province, when the gazetteer has it."""
    if not municipality.subdistrict_code:
        return None
    return (
        Subdistrict.objects.select_related("district__province")
        .filter(code=municipality.subdistrict_code)
        .first()
    )
