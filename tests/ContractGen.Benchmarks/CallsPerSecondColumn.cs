using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ContractGen.Benchmarks;

/// <summary>Calls per second from the median time per call (the figures are already per operation).</summary>
internal sealed class CallsPerSecondColumn : IColumn
{
    public string Id => nameof(CallsPerSecondColumn);

    public string ColumnName => "Calls/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Calls per second on one connection, from the median time per call";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        => summary[benchmarkCase]?.ResultStatistics is { } statistics && statistics.Median > 0
            ? (1e9 / statistics.Median).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
            : "-";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
