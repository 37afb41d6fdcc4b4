using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>
/// Authorization against real kernel identities: clients run as other Unix users (created with useradd, switched to
/// with setpriv). Needs root; skipped with the reason otherwise.
/// </summary>
public sealed class IdentityTests(SharedServiceFixture fixture) : IClassFixture<SharedServiceFixture>
{
    internal const string PlainUser = "cgen-e2e-user";
    internal const string AdminUser = "cgen-e2e-admin";
    private const string AdminGroup = "cgen-e2e-admins";

    [SkippableFact]
    public async Task Root_only_method_refuses_another_user_and_sees_that_users_uid()
    {
        SkipUnlessRoot();
        var plainUid = TestUsers.UserId(PlainUser);

        Assert.Equal($"ok {plainUid}", await RunClientAsync(PlainUser, fixture.Service.SocketPath, "WhoCalls"));
        var refused = await RunClientAsync(PlainUser, fixture.Service.SocketPath, "RootOnly");
        Assert.StartsWith("error AccessDeniedException", refused, StringComparison.Ordinal);
        Assert.Contains("root", refused, StringComparison.Ordinal);

        // Root, in another process too, is allowed.
        Assert.Equal("ok root:x", await RunClientAsync(null, fixture.Service.SocketPath, "RootOnly"));
        await using var connection = await ServiceConnection.ConnectAsync<IPrivileged>(fixture.Service.Endpoint);
        Assert.Equal("root:y", await connection.Proxy.RootOnly("y"));
        Assert.Equal(0u, await connection.Proxy.WhoCalls());
    }

    [SkippableFact]
    public async Task Group_rule_admits_supplementary_group_members_only()
    {
        SkipUnlessRoot();
        Assert.Equal("ok admin:x", await RunClientAsync(AdminUser, fixture.Service.SocketPath, "AdminsOnly"));
        Assert.StartsWith("error AccessDeniedException", await RunClientAsync(PlainUser, fixture.Service.SocketPath, "AdminsOnly"), StringComparison.Ordinal);
        Assert.StartsWith("error AccessDeniedException", await RunClientAsync(AdminUser, fixture.Service.SocketPath, "RootOnly"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_user_agent_socket_is_unreachable_for_another_user()
    {
        SkipUnlessRoot();
        var output = await RunClientAsync(PlainUser, fixture.Service.AgentSocketPath, "Agent.WhoCalls");
        Assert.StartsWith("error ServiceConnectionException", output, StringComparison.Ordinal);
        Assert.Contains("denied", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("ok 0", await RunClientAsync(null, fixture.Service.AgentSocketPath, "Agent.WhoCalls"));
    }

    [SkippableFact]
    public async Task A_user_agent_refuses_another_uid_even_when_its_socket_is_open()
    {
        SkipUnlessRoot();
        await using var service = await ServiceProcess.StartAsync(agentSocketOpen: true);

        // The client refuses first: a per-user agent served by root is not this user's.
        var refusedByClient = await RunClientAsync(PlainUser, service.AgentSocketPath, "Agent.WhoCalls");
        Assert.StartsWith("error ServerIdentityMismatchException", refusedByClient, StringComparison.Ordinal);
        Assert.Contains("runs as uid 0", refusedByClient, StringComparison.Ordinal);
        Assert.Contains($"expects uid {TestUsers.UserId(PlainUser)}", refusedByClient, StringComparison.Ordinal);

        // Past that check, the agent refuses the other uid itself.
        var output = await RunClientAsync(PlainUser, service.AgentSocketPath, "Agent.WhoCalls", "--no-verify-server");
        Assert.StartsWith("error AccessDeniedException", output, StringComparison.Ordinal);
        Assert.Contains("the service's own user", output, StringComparison.Ordinal);
        Assert.Equal("ok 0", await RunClientAsync(null, service.AgentSocketPath, "Agent.WhoCalls"));
    }

    internal static void SkipUnlessRoot()
        => Skip.IfNot(Environment.UserName == "root" && OperatingSystem.IsLinux(),
            "needs root on Linux to create test users (useradd) and run clients as them (setpriv)");

    /// <summary>Runs the test client, as <paramref name="user"/> when given, and returns its one line of output.</summary>
    private static async Task<string> RunClientAsync(string? user, string socket, string method, params string[] extra)
    {
        TestUsers.EnsureCreated();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "/usr/bin/dotnet";
        var dll = Path.Combine(AppContext.BaseDirectory, "ContractGen.EndToEnd.TestService.dll");
        string[] client = [dotnet, "exec", dll, "call", "--socket", socket, "--method", method, .. extra];
        var info = new ProcessStartInfo(user is null ? client[0] : "setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var arguments = user is null ? client[1..] : ["--reuid", user, "--regid", user, "--init-groups", "--", .. client];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["HOME"] = "/tmp";
        info.Environment["DOTNET_CLI_HOME"] = "/tmp";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var line = (await stdout).Trim();
        Assert.True(line.StartsWith("ok ", StringComparison.Ordinal) || line.StartsWith("error ", StringComparison.Ordinal),
            $"the client as {user ?? "root"} printed '{line}' and '{await stderr}'");
        return line;
    }

    /// <summary>Creates the test users and group once per machine (idempotent).</summary>
    internal static class TestUsers
    {
        private static readonly Lock Gate = new();
        private static bool s_created;

        public static void EnsureCreated()
        {
            lock (Gate)
            {
                if (s_created)
                {
                    return;
                }

                Run("getent", ["group", AdminGroup], allowFailure: true, out var groupExists);
                if (!groupExists)
                {
                    Run("groupadd", ["--system", AdminGroup], allowFailure: false, out _);
                }

                CreateUser(PlainUser, []);
                CreateUser(AdminUser, ["--groups", AdminGroup]);
                s_created = true;
            }
        }

        public static uint UserId(string user)
        {
            EnsureCreated();
            return uint.Parse(Run("id", ["-u", user], allowFailure: false, out _), CultureInfo.InvariantCulture);
        }

        private static void CreateUser(string name, string[] extra)
        {
            Run("id", ["-u", name], allowFailure: true, out var exists);
            if (!exists)
            {
                Run("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", .. extra, name], allowFailure: false, out _);
            }
        }

        private static string Run(string file, string[] arguments, bool allowFailure, out bool succeeded)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            succeeded = process.ExitCode == 0;
            if (!succeeded && !allowFailure)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {error}");
            }

            return output.Trim();
        }
    }
}
