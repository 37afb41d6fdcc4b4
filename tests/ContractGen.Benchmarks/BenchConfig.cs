using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace ContractGen.Benchmarks;

/// <summary>
/// A short job (a full run takes a few minutes on two cores), allocations and thread-pool work items per call, and
/// the median and 95th percentile of the iteration means beside the mean.
/// </summary>
/// <remarks>
/// The client side runs in this process (in-process toolchain): BenchmarkDotNet's default of building a boilerplate
/// project rebuilds the runtime, the generator and the analyzers from scratch, which takes minutes on two cores. The
/// server is a separate process either way.
/// </remarks>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default
            .WithId("short")
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(12)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithStrategy(RunStrategy.Throughput)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddDiagnoser(MemoryDiagnoser.Default, ThreadingDiagnoser.Default);
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, new CallsPerSecondColumn());
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
    }
}
