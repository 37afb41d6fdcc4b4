using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static ContractGen.Analyzers.Tests.VerifySafety;

namespace ContractGen.Analyzers.Tests;

/// <summary>CGEN4002: no System daemon sends its exception messages and stacks to every local user.</summary>
public sealed class ExceptionDetailsTests
{
    private const string Contracts = """
        [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
        public partial interface IClock
        {
            Task<long> NowAsync(CancellationToken cancellationToken = default);
        }

        [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
        public partial interface IAgent
        {
            Task<long> NowAsync(CancellationToken cancellationToken = default);
        }

        [ServiceContract(Name = "com.example.helper", Context = ServiceContext.Application)]
        public partial interface IHelper
        {
            Task<long> NowAsync(CancellationToken cancellationToken = default);
        }

        public sealed class Clock : IClock, IAgent, IHelper
        {
            public Task<long> NowAsync(CancellationToken cancellationToken = default) => Task.FromResult(0L);
        }

        """;

    private static DiagnosticResult Expected(int location, string contract = "IClock")
        => new DiagnosticResult(DiagnosticDescriptors.ExceptionDetailsInSystemDaemon).WithLocation(location).WithArguments(contract);

    [Fact]
    public Task CGEN4002_details_on_the_host_of_a_System_contract()
        => AnalyzerAsync<ExceptionDetailsAnalyzer>(Usings + Contracts + """
            public static class Daemon
            {
                public static ServiceHost Initializer()
                {
                    var host = new ServiceHost(new ServiceHostOptions { {|#0:IncludeExceptionDetails = true|} });
                    return host.AddService<IClock>(new Clock());
                }

                public static ServiceHost Assigned()
                {
                    var options = new ServiceHostOptions();
                    {|#1:options.IncludeExceptionDetails = true|};
                    var host = new ServiceHost(options);
                    host.AddService<IAgent>(new Clock());
                    return host.AddService<IClock>(new Clock());
                }

                public static void InALambda(System.Action<System.Action<ServiceHostOptions>> configure, ServiceHost host)
                {
                    configure(o => {|#2:o.IncludeExceptionDetails = true|});
                    host.AddService<IClock>(new Clock());
                }

                // Options built apart from the host: the project serves a System contract, so these serve it too.
                public static ServiceHostOptions Options() => new() { {|CGEN4002:IncludeExceptionDetails = true|}, ShutdownTimeout = System.TimeSpan.FromSeconds(1) };
            }
            """,
            Expected(0), Expected(1), Expected(2));

    [Fact]
    public Task CGEN4002_not_reported_for_agents_helpers_other_options_or_a_value_decided_at_run_time()
        => AnalyzerAsync<ExceptionDetailsAnalyzer>(Usings + Contracts + """
            public static class Daemon
            {
                public static ServiceHost Agent()
                {
                    var host = new ServiceHost(new ServiceHostOptions { IncludeExceptionDetails = true });
                    host.AddService<IHelper>(new Clock());
                    return host.AddService<IAgent>(new Clock());
                }

                public static ServiceHost System(bool debugging)
                {
                    var host = new ServiceHost(new ServiceHostOptions
                    {
                        IncludeExceptionTypes = true,
                        IncludeExceptionDetails = debugging,
                    });
                    host.Options.IncludeExceptionDetails = false;
                    return host.AddService<IClock>(new Clock());
                }
            }
            """);

    [Fact]
    public Task CGEN4002_not_reported_where_no_System_contract_is_served()
        => AnalyzerAsync<ExceptionDetailsAnalyzer>(Usings + Contracts + """
            public static class Agent
            {
                public static ServiceHostOptions Options() => new() { IncludeExceptionDetails = true };

                public static ServiceHost Serve() => new ServiceHost(Options()).AddService<IAgent>(new Clock());
            }
            """);

    [Fact]
    public Task CGEN4002_in_top_level_statements()
    {
        var test = new AnalyzerTest<ExceptionDetailsAnalyzer>(Usings + """
            var host = new ServiceHost(new ServiceHostOptions { {|#0:IncludeExceptionDetails = true|} });
            host.AddService<IClock>(new Clock());

            """ + Contracts, Expected(0));
        test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
        return test.RunAsync();
    }
}
