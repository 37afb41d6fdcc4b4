using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>What a daemon process tells its callers when a call fails, and what it keeps for its log.</summary>
public sealed class FaultTests(SharedServiceFixture fixture) : IClassFixture<SharedServiceFixture>
{
    private const string Secret = "no such file /etc/clock/secret.key (uid 0)";

    [Fact]
    public async Task A_system_daemon_sends_only_a_fault_id_which_its_log_holds_with_the_exception()
    {
        await using var connection = await ServiceConnection.ConnectAsync<IFaults>(fixture.Service.Endpoint);
        var marker = Guid.NewGuid().ToString("N");

        var fault = await Assert.ThrowsAsync<RemoteFaultException>(() => connection.Proxy.Fail(Secret + marker).AsTask());

        Assert.Null(fault.RemoteExceptionType);
        Assert.Null(fault.RemoteMessage);
        Assert.Null(fault.RemoteStackTrace);
        Assert.DoesNotContain("secret", fault.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ArgumentException", fault.Message, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{16}$", fault.FaultId);
        var logged = await fixture.Service.WaitForOutputLineAsync(fault.FaultId!);
        Assert.Contains("System.ArgumentException", logged, StringComparison.Ordinal);
        Assert.Contains(marker, logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declared_fault_reaches_the_caller_with_its_code_and_message()
    {
        await using var connection = await ServiceConnection.ConnectAsync<IFaults>(fixture.Service.Endpoint);

        var fault = await Assert.ThrowsAsync<ServiceFaultException>(() => connection.Proxy.FailDeclared("zone-not-found", "Unknown time zone 'Nowhere/Atlantis'.").AsTask());

        Assert.Equal("zone-not-found", fault.Code);
        Assert.Equal("Unknown time zone 'Nowhere/Atlantis'.", fault.Message);
        Assert.Equal("FailDeclared", fault.Method);
    }

    [Fact]
    public async Task A_declared_fault_with_an_invalid_code_arrives_as_an_undeclared_fault_and_the_daemon_logs_why()
    {
        await using var connection = await ServiceConnection.ConnectAsync<IFaults>(fixture.Service.Endpoint);

        var fault = await Assert.ThrowsAsync<RemoteFaultException>(() => connection.Proxy.FailDeclared("not a code", Secret).AsTask());

        Assert.Null(fault.RemoteMessage);
        Assert.DoesNotContain("secret", fault.Message, StringComparison.Ordinal);
        await fixture.Service.WaitForOutputLineAsync(fault.FaultId!, "invalid code 'not a code'");

        // The daemon and the connection carry on.
        Assert.Equal("ok", (await Assert.ThrowsAsync<ServiceFaultException>(() => connection.Proxy.FailDeclared("ok", "fine").AsTask())).Code);
    }

    [Fact]
    public async Task A_private_helpers_contract_sends_type_and_message_by_default()
    {
        await using var connection = await ServiceConnection.ConnectAsync<IHelperFaults>(Transports.ServiceEndpoint.UnixSocket(fixture.Service.AgentSocketPath));

        var fault = await Assert.ThrowsAsync<RemoteFaultException>(() => connection.Proxy.Fail("bad mailbox").AsTask());

        Assert.Equal("System.ArgumentException", fault.RemoteExceptionType);
        Assert.Equal("bad mailbox", fault.RemoteMessage);
        Assert.Null(fault.RemoteStackTrace);
        Assert.NotNull(fault.FaultId);
    }

    [Fact]
    public async Task A_fault_larger_than_the_clients_frame_limit_reaches_it_smaller_and_the_daemon_lives()
    {
        // Regression: the refused error frame threw out of the call's completion and ended the daemon's process.
        var small = new ServiceConnectionOptions { MaxFrameSize = 1024 };
        await using var connection = await ServiceConnection.ConnectAsync<IHelperFaults>(Transports.ServiceEndpoint.UnixSocket(fixture.Service.AgentSocketPath), small);

        var fault = await Assert.ThrowsAsync<RemoteFaultException>(() => connection.Proxy.Fail(new string('y', 3000)).AsTask());

        Assert.Null(fault.RemoteMessage);
        Assert.NotNull(fault.FaultId);
        Assert.False(fixture.Service.HasExited);
        Assert.Equal("short", (await Assert.ThrowsAsync<RemoteFaultException>(() => connection.Proxy.Fail("short").AsTask())).RemoteMessage);
    }

    [Fact]
    public async Task A_daemon_that_opts_in_to_exception_types_sends_the_type_and_not_the_message()
    {
        await using var service = await ServiceProcess.StartAsync(extraArguments: ["--include-exception-types"]);
        await using var connection = await ServiceConnection.ConnectAsync<IFaults>(service.Endpoint);

        var fault = await Assert.ThrowsAsync<RemoteFaultException>(() => connection.Proxy.Fail(Secret).AsTask());

        Assert.Equal("System.ArgumentException", fault.RemoteExceptionType);
        Assert.Null(fault.RemoteMessage);
        Assert.Null(fault.RemoteStackTrace);
        Assert.DoesNotContain("secret", fault.Message, StringComparison.Ordinal);
        await service.WaitForOutputLineAsync(fault.FaultId!, "secret.key");
    }

    [Fact]
    public async Task A_daemon_that_opts_in_to_exception_details_sends_type_message_and_stack()
    {
        await using var service = await ServiceProcess.StartAsync(extraArguments: ["--include-exception-details"]);
        await using var connection = await ServiceConnection.ConnectAsync<IFaults>(service.Endpoint);

        var fault = await Assert.ThrowsAsync<RemoteFaultException>(() => connection.Proxy.Fail(Secret).AsTask());

        Assert.Equal("System.ArgumentException", fault.RemoteExceptionType);
        Assert.Equal(Secret, fault.RemoteMessage);
        Assert.Contains("Faults.Fail", fault.RemoteStackTrace, StringComparison.Ordinal);
        Assert.NotNull(fault.FaultId);
    }
}
