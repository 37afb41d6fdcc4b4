using System.Diagnostics;
using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>
/// The client's check of who serves it, against daemons really running as another uid (useradd + setpriv). The test
/// process is the client, as root. Needs root; skipped with the reason otherwise.
/// </summary>
public sealed class ServerIdentityTests
{
    [SkippableFact]
    public async Task A_system_contract_served_by_another_uid_is_refused_and_accepted_once_that_uid_is_expected()
    {
        IdentityTests.SkipUnlessRoot();
        var plainUid = IdentityTests.TestUsers.UserId(IdentityTests.PlainUser);
        await using var service = await ServiceProcess.StartAsync(user: IdentityTests.PlainUser);

        var refused = await Assert.ThrowsAsync<ServerIdentityMismatchException>(() => ServiceConnection.ConnectAsync<IPrivileged>(service.Endpoint));
        Assert.Equal(ConnectionCloseReason.ServerIdentityMismatch, refused.Reason);
        Assert.Equal(plainUid, refused.ActualUserId);
        Assert.Equal([0u], refused.ExpectedUserIds);
        Assert.Contains($"runs as uid {plainUid} ({IdentityTests.PlainUser}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("expects uid 0 (root)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ExpectedServerUserId", refused.Message, StringComparison.Ordinal);

        // The daemon's user, named as expected, is accepted; root is still who calls.
        await using (var expected = await ServiceConnection.ConnectAsync<IPrivileged>(service.Endpoint, new ServiceConnectionOptions { ExpectedServerUserId = plainUid }))
        {
            Assert.Equal(plainUid, expected.ServiceCredentials!.UserId);
            Assert.Equal(0u, await expected.Proxy.WhoCalls());
        }

        // Another expected uid does not admit it.
        var otherUid = IdentityTests.TestUsers.UserId(IdentityTests.AdminUser);
        var stillRefused = await Assert.ThrowsAsync<ServerIdentityMismatchException>(
            () => ServiceConnection.ConnectAsync<IPrivileged>(service.Endpoint, new ServiceConnectionOptions { ExpectedServerUserId = otherUid }));
        Assert.Equal([0u, otherUid], stillRefused.ExpectedUserIds);

        // Opting out connects to whoever answers.
        await using var unchecked_ = await ServiceConnection.ConnectAsync<IPrivileged>(service.Endpoint, new ServiceConnectionOptions { VerifyServerIdentity = false });
        Assert.Equal(0u, await unchecked_.Proxy.WhoCalls());
    }

    [SkippableFact]
    public async Task A_user_contract_served_by_another_uid_is_refused()
    {
        IdentityTests.SkipUnlessRoot();
        var plainUid = IdentityTests.TestUsers.UserId(IdentityTests.PlainUser);
        await using var service = await ServiceProcess.StartAsync(user: IdentityTests.PlainUser);
        var agent = Transports.ServiceEndpoint.UnixSocket(service.AgentSocketPath);

        var refused = await Assert.ThrowsAsync<ServerIdentityMismatchException>(() => ServiceConnection.ConnectAsync<IAgent>(agent));
        Assert.Equal(plainUid, refused.ActualUserId);
        Assert.Equal([0u], refused.ExpectedUserIds);
        Assert.Contains("per-user agent must run as the user who calls it", refused.Message, StringComparison.Ordinal);

        // A user's agent never counts a root-owned directory's owner or root itself; naming the uid is the way in.
        await using var expected = await ServiceConnection.ConnectAsync<IAgent>(agent, new ServiceConnectionOptions { ExpectedServerUserId = plainUid });
        Assert.Equal(plainUid, expected.ServiceCredentials!.UserId);
    }

    [SkippableFact]
    public async Task An_impostor_receives_not_one_byte()
    {
        IdentityTests.SkipUnlessRoot();
        IdentityTests.TestUsers.EnsureCreated();
        await using var impostor = await ServiceProcess.StartAsync(user: IdentityTests.PlainUser, mode: "impostor");

        await Assert.ThrowsAsync<ServerIdentityMismatchException>(() => ServiceConnection.ConnectAsync<IPrivileged>(impostor.Endpoint));
        await impostor.WaitForExitAsync();
        Assert.Contains("received 0", impostor.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_owner_of_a_directory_only_root_can_hand_out_is_accepted_for_a_system_daemon()
    {
        IdentityTests.SkipUnlessRoot();
        IdentityTests.TestUsers.EnsureCreated();

        // Like /run/<name>/ from systemd's RuntimeDirectory= with User=: /run is root's and no one else may write to it.
        var run = Directory.CreateDirectory("/run/cgen-e2e-identity").FullName;
        File.SetUnixFileMode(run, (UnixFileMode)0b111_101_101);
        try
        {
            await using var service = await ServiceProcess.StartAsync(user: IdentityTests.PlainUser, parentDirectory: run);
            await using var connection = await ServiceConnection.ConnectAsync<IPrivileged>(service.Endpoint);
            Assert.Equal(IdentityTests.TestUsers.UserId(IdentityTests.PlainUser), connection.ServiceCredentials!.UserId);
            Assert.Equal(0u, await connection.Proxy.WhoCalls());

            // The same daemon in a directory under the world-writable /tmp proves nothing (the first test), nor does
            // a parent another user may write to.
            File.SetUnixFileMode(run, (UnixFileMode)0b111_111_101);
            await Assert.ThrowsAsync<ServerIdentityMismatchException>(() => ServiceConnection.ConnectAsync<IPrivileged>(service.Endpoint));
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }
}
