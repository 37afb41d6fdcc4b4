using System.Diagnostics;
using System.Threading.Channels;
using Xunit;
using Xunit.Abstractions;

namespace ContractGen.EndToEnd.Tests;

/// <summary>
/// Issue 11's resource attacks against a real daemon process: a client that never reads its replies, and a second
/// real uid that takes its connections and calls up to and past its quota. The daemon's memory is read from
/// /proc/&lt;pid&gt;/status (VmRSS) while the attack runs and a first uid keeps calling; the bounds are generous on
/// purpose (what matters is bounded versus unbounded), and docs/security.md records the figures measured.
/// </summary>
public sealed class ResourceLimitTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    // The quota the daemon gives every user but root here: 4 connections, 16 calls, 8 MiB of queued replies.
    private static readonly string[] SmallQuota = ["--user-quota", "4,16,8388608"];

    [Fact]
    public async Task A_client_that_never_reads_its_replies_leaves_the_daemon_bounded_and_others_served()
    {
        // 16 connections × 2,000 calls × 16 KiB replies: 512 MiB the daemon would hold if it read everything.
        await using var service = await ServiceProcess.StartAsync();
        await using var healthy = await ServiceConnection.ConnectAsync<IAllTypes>(service.Endpoint);
        Assert.Equal(1, await healthy.Proxy.EchoInt32(1));
        var baseline = service.ResidentBytes();

        await using var flood = await HostileProcess.StartAsync(null, service.SocketPath, "flood", "--connections", "16", "--requests", "2000", "--size", "16384");
        Assert.Equal("flooding", await flood.ReadLineAsync());
        var peak = await ServeWhileAttackedAsync(service, healthy);

        output.WriteLine($"baseline {baseline / MiB} MiB, peak {peak / MiB} MiB under 16 connections that never read");
        Assert.False(service.HasExited);
        Assert.True(peak < baseline + (300 * MiB), $"the daemon grew from {baseline / MiB} MiB to {peak / MiB} MiB");
    }

    [SkippableFact]
    public async Task A_second_uid_past_its_connection_quota_is_refused_with_the_quota_named_while_others_are_served()
    {
        IdentityTests.SkipUnlessRoot();
        IdentityTests.TestUsers.EnsureCreated();
        await using var service = await ServiceProcess.StartAsync(extraArguments: SmallQuota);

        await using var hog = await HostileProcess.StartAsync(IdentityTests.PlainUser, service.SocketPath, "hold", "--connections", "6");
        var lines = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            lines.Add(await hog.ReadLineAsync());
        }

        output.WriteLine(string.Join('\n', lines));
        Assert.Equal(4, lines.Count(l => l == "ok"));
        var refused = lines.Where(l => l != "ok").ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, l => Assert.StartsWith("error QuotaExceededException: ", l, StringComparison.Ordinal));
        Assert.All(refused, l => Assert.Contains("ConnectionsPerUser", l, StringComparison.Ordinal));

        // While that user holds its four, root and another uid connect and are served.
        await using var root = await ServiceConnection.ConnectAsync<IPrivileged>(service.Endpoint);
        Assert.Equal(0u, await root.Proxy.WhoCalls());
        await using var other = await HostileProcess.StartAsync(IdentityTests.AdminUser, service.SocketPath, "hold", "--connections", "1");
        Assert.Equal("ok", await other.ReadLineAsync());
    }

    [SkippableFact]
    public async Task A_second_uid_that_never_reads_its_replies_leaves_the_daemon_bounded_and_the_first_uid_served()
    {
        IdentityTests.SkipUnlessRoot();
        IdentityTests.TestUsers.EnsureCreated();
        await using var service = await ServiceProcess.StartAsync(extraArguments: SmallQuota);
        await using var healthy = await ServiceConnection.ConnectAsync<IAllTypes>(service.Endpoint);
        Assert.Equal(1, await healthy.Proxy.EchoInt32(1));
        var baseline = service.ResidentBytes();

        // Its quota of 4 connections, each sending 2,000 calls of 16 KiB: 128 MiB of replies if nothing stopped it.
        await using var flood = await HostileProcess.StartAsync(IdentityTests.PlainUser, service.SocketPath, "flood", "--connections", "4", "--requests", "2000", "--size", "16384");
        Assert.Equal("flooding", await flood.ReadLineAsync());
        var peak = await ServeWhileAttackedAsync(service, healthy);

        output.WriteLine($"baseline {baseline / MiB} MiB, peak {peak / MiB} MiB under a second uid that never reads");
        Assert.True(peak < baseline + (100 * MiB), $"the daemon grew from {baseline / MiB} MiB to {peak / MiB} MiB");
    }

    [SkippableFact]
    public async Task A_second_uid_past_its_queued_bytes_quota_is_refused_with_the_quota_named_while_the_first_uid_is_served()
    {
        IdentityTests.SkipUnlessRoot();
        IdentityTests.TestUsers.EnsureCreated();

        // 4 connections and 1,000 calls (neither is reached: two connections hold at most 128 calls), but 1 MiB of replies.
        await using var service = await ServiceProcess.StartAsync(extraArguments: ["--user-quota", "4,1000,1048576"]);
        await using var healthy = await ServiceConnection.ConnectAsync<IAllTypes>(service.Endpoint);
        var baseline = service.ResidentBytes();

        // Two connections that never read, each able to queue 4 MiB on its own bound; then the same uid calls.
        await using var flood = await HostileProcess.StartAsync(IdentityTests.PlainUser, service.SocketPath, "flood", "--connections", "2", "--requests", "2000", "--size", "16384", "--then-call");
        Assert.Equal("flooding", await flood.ReadLineAsync());
        var peak = await ServeWhileAttackedAsync(service, healthy);
        string refused;
        while (!(refused = await flood.ReadLineAsync()).StartsWith("error ", StringComparison.Ordinal) && !refused.StartsWith("ok ", StringComparison.Ordinal))
        {
            output.WriteLine(refused);
        }

        output.WriteLine(refused);
        output.WriteLine($"baseline {baseline / MiB} MiB, peak {peak / MiB} MiB under a second uid past 1 MiB of unread replies");
        Assert.StartsWith("error QuotaExceededException: QueuedBytesPerUser ", refused, StringComparison.Ordinal);
        Assert.Contains("QueuedBytesPerUser (1048576)", refused, StringComparison.Ordinal);
        Assert.True(peak < baseline + (100 * MiB), $"the daemon grew from {baseline / MiB} MiB to {peak / MiB} MiB");
        Assert.Equal(7, await healthy.Proxy.EchoInt32(7));
    }

    [Fact]
    public async Task A_client_that_never_reads_is_closed_by_the_keepalive_rule_rather_than_held_forever()
    {
        // A 2 s keepalive timeout: the rule under test is "no send progress while reading is paused on queued bytes".
        await using var service = await ServiceProcess.StartAsync(extraArguments: ["--keepalive-timeout-ms", "2000"]);
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(service.SocketPath));
        var hello = Soak.SoakSeeds.Hello(AllTypesContract.Name, AllTypesContract.Fingerprint, []);
        await socket.SendAsync(Soak.FrameMutator.Frame(ContractGen.Protocol.FrameKind.Hello, 0, 0, 0, hello));

        // EchoBytes(16 KiB) calls, sent until the daemon's queue (4 MiB) and both socket buffers are full and sending
        // blocks; nothing is ever read. Only the daemon closing the connection ends the loop.
        var payload = new byte[4 + (16 * 1024)];
        BitConverter.TryWriteBytes(payload, 16 * 1024);
        var sent = 0;
        var closed = await Task.Run(async () =>
        {
            try
            {
                for (var id = 1u; id < 1_000_000; id++)
                {
                    await socket.SendAsync(Soak.FrameMutator.Frame(ContractGen.Protocol.FrameKind.Request, 0, id, AllTypesContract.MethodIds.EchoBytes, payload));
                    sent++;
                }

                return "every request was taken: nothing stopped reading";
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                return "closed: " + ex.SocketErrorCode;
            }
        }).WaitAsync(TimeSpan.FromSeconds(120));

        output.WriteLine($"{sent} requests of 16 KiB sent before the daemon closed the connection ({closed})");
        Assert.StartsWith("closed: ", closed, StringComparison.Ordinal);

        // Far fewer than a million: the daemon stopped reading at its queue bound, then closed the connection.
        Assert.InRange(sent, 1, 10_000);
        Assert.False(service.HasExited);

        // Connected only now: an idle client that sends no pings within 2 s would meet the same rule.
        await using var healthy = await ServiceConnection.ConnectAsync<IAllTypes>(service.Endpoint);
        Assert.Equal(3, await healthy.Proxy.EchoInt32(3));
    }

    /// <summary>
    /// The first uid calls 50 times, a tenth of a second apart, while the attack runs; returns the daemon's peak
    /// resident memory. The pauses give the attack its chance to grow the daemon; nothing here asserts a duration.
    /// </summary>
    private static async Task<long> ServeWhileAttackedAsync(ServiceProcess service, ServiceConnection<IAllTypes> healthy)
    {
        var peak = 0L;
        var blob = new byte[16 * 1024];
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(blob.Length, (await healthy.Proxy.EchoBytes(blob)).Length);
            peak = Math.Max(peak, service.ResidentBytes());
            await Task.Delay(100);
        }

        return peak;
    }

    /// <summary>A hostile client process (TestService hold/flood), as another user when given; ends when disposed.</summary>
    private sealed class HostileProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

        private HostileProcess(Process process)
        {
            _process = process;
        }

        public static Task<HostileProcess> StartAsync(string? user, string socket, string mode, params string[] arguments)
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "/usr/bin/dotnet";
            var dll = Path.Combine(AppContext.BaseDirectory, "ContractGen.EndToEnd.TestService.dll");
            string[] client = [dotnet, "exec", dll, mode, "--socket", socket, .. arguments];
            var info = new ProcessStartInfo(user is null ? client[0] : "setpriv")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var all = user is null ? client[1..] : ["--reuid", user, "--regid", user, "--init-groups", "--", .. client];
            foreach (var argument in all)
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["HOME"] = "/tmp";
            info.Environment["DOTNET_CLI_HOME"] = "/tmp";
            var hostile = new HostileProcess(Process.Start(info)!);
            hostile._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    hostile._lines.Writer.TryComplete();
                }
                else
                {
                    hostile._lines.Writer.TryWrite(e.Data);
                }
            };
            hostile._process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    hostile._lines.Writer.TryWrite("stderr: " + e.Data);
                }
            };
            hostile._process.BeginOutputReadLine();
            hostile._process.BeginErrorReadLine();
            return Task.FromResult(hostile);
        }

        public async Task<string> ReadLineAsync()
            => await _lines.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }

            _process.Dispose();
        }
    }
}
