using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static ContractGen.Analyzers.Tests.VerifySafety;

namespace ContractGen.Analyzers.Tests;

/// <summary>CGEN4003: no client turns the server identity check off for a System or User contract.</summary>
public sealed class ServerIdentityCheckTests
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

        """;

    [Fact]
    public Task CGEN4003_in_an_initializer_passed_to_a_system_or_user_contracts_connection()
        => AnalyzerAsync<ServerIdentityCheckAnalyzer>(Usings + Contracts + """
            public static class Client
            {
                public static async Task ConnectAsync(ContractGen.Transports.ServiceEndpoint endpoint)
                {
                    await using var clock = await ServiceConnection.ConnectAsync<IClock>(endpoint, new ServiceConnectionOptions { {|#0:VerifyServerIdentity = false|} });
                    var options = new ServiceConnectionOptions { ConnectTimeout = System.TimeSpan.FromSeconds(1), {|#1:VerifyServerIdentity = false|} };
                    await using var agent = await ServiceConnection.ConnectAsync<IAgent>(options);
                }
            }
            """,
            Expected(0, "the System contract 'IClock'"),
            Expected(1, "the User contract 'IAgent'"));

    [Fact]
    public Task CGEN4003_by_assignment_and_when_the_contract_cannot_be_seen()
        => AnalyzerAsync<ServerIdentityCheckAnalyzer>(Usings + Contracts + """
            public static class Client
            {
                private static ServiceConnectionOptions s_shared = new();

                public static async Task ConnectAsync(ContractGen.Transports.ServiceEndpoint endpoint)
                {
                    var options = new ServiceConnectionOptions();
                    {|#0:options.VerifyServerIdentity = false|};
                    await using var clock = await ServiceConnection.ConnectAsync<IClock>(endpoint, options);

                    // Options that go to a helper and to a daemon: the daemon counts.
                    var mixed = new ServiceConnectionOptions { {|#1:VerifyServerIdentity = false|} };
                    await using var helper = await ServiceConnection.ConnectAsync<IHelper>(endpoint, mixed);
                    await using var clock2 = await ServiceConnection.ConnectAsync<IClock>(endpoint, mixed);
                }

                public static ServiceConnectionOptions Make() => new() { {|#2:VerifyServerIdentity = false|} };

                public static void Shared() => {|#3:s_shared.VerifyServerIdentity = false|};

                public static Task<ServiceConnection<IAgent>> Agent() => ServiceConnection.ConnectAsync<IAgent>(new ServiceConnectionOptions { {|CGEN4003:VerifyServerIdentity = (false)|} });
            }
            """,
            Expected(0, "the System contract 'IClock'"),
            Expected(1, "the System contract 'IClock'"),
            Expected(2, "a connection whose contract cannot be determined here"),
            Expected(3, "a connection whose contract cannot be determined here"));

    [Fact]
    public Task CGEN4003_not_reported_for_helpers_for_true_or_for_values_not_known_at_compile_time()
        => AnalyzerAsync<ServerIdentityCheckAnalyzer>(Usings + Contracts + """
            public static class Client
            {
                public static async Task ConnectAsync(ContractGen.Transports.ServiceEndpoint endpoint, bool fromConfiguration)
                {
                    await using var helper = await ServiceConnection.ConnectAsync<IHelper>(endpoint, new ServiceConnectionOptions { VerifyServerIdentity = false });
                    var helperOptions = new HelperOptions("helper") { Connection = { VerifyServerIdentity = false } };
                    helperOptions.Connection.VerifyServerIdentity = false;
                    helperOptions.Connection = new ServiceConnectionOptions { VerifyServerIdentity = false };
                    await using var clock = await ServiceConnection.ConnectAsync<IClock>(endpoint, new ServiceConnectionOptions { VerifyServerIdentity = true, ExpectedServerUserId = 990 });
                    await using var agent = await ServiceConnection.ConnectAsync<IAgent>(endpoint, new ServiceConnectionOptions { VerifyServerIdentity = fromConfiguration });
                }
            }
            """);

    private static DiagnosticResult Expected(int location, string whose)
        => new DiagnosticResult(DiagnosticDescriptors.ServerIdentityCheckOff).WithLocation(location).WithArguments(whose);
}
