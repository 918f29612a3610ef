"""The words the vendored map libraries show (Leaflet's zoom buttons and attribution, Leaflet.draw's
toolbar, tooltips and measurements, django-leaflet's reset button and unsaved-change warning), in
the reader's language. Rendered into every map page as JSON by templates/leaflet/
leaflet_draw_i18n.html and applied by static/js/map-words.js before any map is made.

The English texts are the libraries' own.
"""

from django.utils.translation import gettext as _


def map_words() -> dict:
    """The libraries' words in the active language; the shape of `draw` and `edit` is
    Leaflet.draw's `L.drawLocal`."""
    return {
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "attributionTitle": _("A JavaScript library for interactive maps"),
        "resetView": _("Reset view"),
        "unsaved": _("Map geometry is unsaved"),
        "units": {"m": _("m"), "km": _("km"), "m2": _("m²"), "ha": _("ha")},
        "draw": {
            "toolbar": {
                "actions": {"title": _("Cancel drawing"), "text": _("Cancel")},
                "finish": {"title": _("Finish drawing"), "text": _("Finish")},
                "undo": {"title": _("Delete last point drawn"), "text": _("Delete last point")},
                "buttons": {
                    "polyline": _("Draw a polyline"), "polygon": _("Draw a polygon"),
                    "rectangle": _("Draw a rectangle"), "circle": _("Draw a circle"),
                    "marker": _("Draw a marker"), "circlemarker": _("Draw a circlemarker"),
                },
            },
            "handlers": {
                "circle": {"tooltip": {"start": _("Click and drag to draw circle.")}, "radius": _("Radius")},
                "circlemarker": {"tooltip": {"start": _("Click map to place circle marker.")}},
                "marker": {"tooltip": {"start": _("Click map to place marker.")}},
                "polygon": {"tooltip": {
                    "start": _("Click to start drawing shape."),
                    "cont": _("Click to continue drawing shape."),
                    "end": _("Click first point to close this shape.")}},
                "polyline": {
                    "error": _("<strong>Error:</strong> shape edges cannot cross!"),
                    "tooltip": {"start": _("Click to start drawing line."),
                                "cont": _("Click to continue drawing line."),
                                "end": _("Click last point to finish line.")}},
                "rectangle": {"tooltip": {"start": _("Click and drag to draw rectangle.")}},
                "simpleshape": {"tooltip": {"end": _("Release mouse to finish drawing.")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": _("Save changes"), "text": _("Save")},
                    "cancel": {"title": _("Cancel editing, discards all changes"), "text": _("Cancel")},
                    "clearAll": {"title": _("Clear all layers"), "text": _("Clear All")},
                },
                "buttons": {
                    "edit": _("Edit layers"), "editDisabled": _("No layers to edit"),
                    "remove": _("Delete layers"), "removeDisabled": _("No layers to delete"),
                },
            },
            "handlers": {
                "edit": {"tooltip": {"text": _("Drag handles or markers to edit features."),
                                     "subtext": _("Click cancel to undo changes.")}},
                "remove": {"tooltip": {"text": _("Click on a feature to remove.")}},
            },
        },
    }
