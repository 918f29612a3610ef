from django import template

register = template.Library()


@register.simple_tag
def chart_svg(chart, id):
    """`{% chart_svg chart "ch-x" %}`: the chart's SVG (charts.Chart.svg)."""
    return chart.svg(id)
