using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static ContractGen.Analyzers.Tests.VerifySafety;

namespace ContractGen.Analyzers.Tests;

/// <summary>CGEN4001: no caller blocks a thread on the task of a service call.</summary>
public sealed class SyncOverAsyncTests
{
    private const string Contract = """
        [ServiceContract(Name = "com.example.clock", Context = ServiceContext.User)]
        public partial interface IClock
        {
            Task<long> NowAsync(CancellationToken cancellationToken = default);
            ValueTask<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);
            Task ResetAsync(CancellationToken cancellationToken = default);

            // Runs in the caller, not a service call.
            Task<long> LocalAsync() => Task.FromResult(0L);
        }

        // What the generator emits: a proxy class that implements the contract.
        [System.CodeDom.Compiler.GeneratedCode("ContractGen", "0.1.0")]
        public sealed partial class ClockProxy : IClock
        {
            public Task<long> NowAsync(CancellationToken cancellationToken = default) => Task.FromResult(1L);
            public ValueTask<long> AddAsync(long a, long b, CancellationToken cancellationToken = default) => ValueTask.FromResult(a + b);
            public Task ResetAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
        }

        """;

    [Fact]
    public Task CGEN4001_blocking_on_a_service_call()
        => AnalyzerAsync<SyncOverAsyncAnalyzer>(Usings + Contract + """
            public static class Caller
            {
                public static long Block(IClock clock, ClockProxy proxy)
                {
                    var now = {|#0:clock.NowAsync().Result|};
                    {|#1:clock.ResetAsync().Wait()|};
                    var sum = {|#2:clock.AddAsync(1, 2).GetAwaiter().GetResult()|};
                    var later = {|#3:clock.NowAsync().ConfigureAwait(false).GetAwaiter().GetResult()|};
                    var more = {|#4:clock.AddAsync(3, 4).AsTask().Result|};
                    var direct = {|#5:proxy.NowAsync().Result|};
                    return now + sum + later + more + direct;
                }
            }
            """,
            Expected(0, "IClock.NowAsync", ".Result"),
            Expected(1, "IClock.ResetAsync", ".Wait()"),
            Expected(2, "IClock.AddAsync", ".GetAwaiter().GetResult()"),
            Expected(3, "IClock.NowAsync", ".GetAwaiter().GetResult()"),
            Expected(4, "IClock.AddAsync", ".Result"),
            Expected(5, "ClockProxy.NowAsync", ".Result"));

    [Fact]
    public Task CGEN4001_blocking_on_a_local_that_holds_a_service_call()
        => AnalyzerAsync<SyncOverAsyncAnalyzer>(Usings + Contract + """
            public static class Caller
            {
                public static long Block(IClock clock)
                {
                    var pending = clock.NowAsync();
                    var reset = clock.ResetAsync().ConfigureAwait(false);
                    {|#0:reset.GetAwaiter().GetResult()|};
                    return {|#1:pending.Result|};
                }
            }
            """,
            Expected(0, "IClock.ResetAsync", ".GetAwaiter().GetResult()"),
            Expected(1, "IClock.NowAsync", ".Result"));

    [Fact]
    public Task CGEN4001_not_reported_for_a_local_assigned_again_or_awaited()
        => AnalyzerAsync<SyncOverAsyncAnalyzer>(Usings + Contract + """
            public static class Caller
            {
                public static async Task<long> ReassignedAsync(IClock clock, bool cached)
                {
                    var pending = clock.NowAsync();
                    if (cached)
                    {
                        pending = Task.FromResult(0L);
                    }

                    var awaited = clock.NowAsync();
                    return pending.Result + await awaited;
                }
            }
            """);

    [Fact]
    public Task CGEN4001_not_reported_for_awaits_local_tasks_or_default_implemented_methods()
        => AnalyzerAsync<SyncOverAsyncAnalyzer>(Usings + Contract + """
            public sealed class ClockService : IClock
            {
                public Task<long> NowAsync(CancellationToken cancellationToken = default) => Task.FromResult(1L);
                public ValueTask<long> AddAsync(long a, long b, CancellationToken cancellationToken = default) => ValueTask.FromResult(a + b);
                public Task ResetAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
            }

            public static class Caller
            {
                public static async Task<long> AwaitAsync(IClock clock, ClockService local)
                {
                    var now = await clock.NowAsync();
                    var sum = await clock.AddAsync(1, 2).ConfigureAwait(false);
                    // The implementation called in-process, a plain task and a method that runs locally: not service calls.
                    var inProcess = local.NowAsync().Result;
                    var plain = Task.FromResult(3L).Result;
                    var localDefault = clock.LocalAsync().Result;
                    return now + sum + inProcess + plain + localDefault;
                }
            }
            """);

    [Fact]
    public Task CGEN4001_blocking_inside_a_lambda()
        => AnalyzerAsync<SyncOverAsyncAnalyzer>(Usings + Contract + """
            public static class Caller
            {
                public static System.Func<bool> Poll(IClock clock) => () => {|CGEN4001:clock.NowAsync().Result|} > 0;
            }
            """);

    private static DiagnosticResult Expected(int location, string method, string how)
        => new DiagnosticResult(DiagnosticDescriptors.SyncOverAsyncCall).WithLocation(location).WithArguments(method, how);
}
