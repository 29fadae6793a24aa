"""The report: a self-contained HTML page (and static charts) comparing scenarios with a baseline.

    from commonwealth.report import write_report
    write_report(results, comparison, "out", command="commonwealth report status-quo american-equity-fund")
"""

from commonwealth.report.charts import CHART_IDS, Chart, ReportData, build_charts
from commonwealth.report.html import default_python_snippet, headline, render_report, write_report

__all__ = ["CHART_IDS", "Chart", "ReportData", "build_charts", "default_python_snippet", "headline",
           "render_report", "write_report"]
