using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using ContractGen.Hosting.TestDaemon;
using ContractGen.Hosting.Tests.Infrastructure;
using ContractGen.Transports;
using Xunit.Abstractions;

namespace ContractGen.Hosting.Tests;

/// <summary>
/// A daemon process under a steady load of concurrent calls is stopped with SIGTERM: every call it accepted must come
/// back with its result, and every other call must fail with <see cref="ConnectionCloseReason.HostShuttingDown"/>.
/// </summary>
public sealed partial class ShutdownUnderLoadTests(ITestOutputHelper log)
{
    private const int Connections = 8;
    private const int CallersPerConnection = 16;
    private const int CallMilliseconds = 20;

    // SIGTERM is sent once this many calls have succeeded: the load is steady by then, whatever the machine's speed.
    private const int SucceededBeforeStop = 1000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Graceful_shutdown_under_load_loses_no_accepted_call(bool genericHost)
    {
        var directory = TestPaths.CreateTempDirectory();
        try
        {
            var endpoint = ServiceEndpoint.UnixSocket(Path.Combine(directory, "load.sock"));
            await using var daemon = ChildProcess.StartDaemon(["--load", "--socket", endpoint.Path, .. genericHost ? ["--generic-host"] : Array.Empty<string>()]);
            await daemon.WaitForLineAsync("ready");

            var connections = await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => ServiceConnection.ConnectAsync<ILoad>(endpoint)));
            long succeeded = 0;
            var wrongResults = new ConcurrentQueue<string>();
            var endings = new ConcurrentQueue<Exception>();
            var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // Each caller keeps one call in flight at all times, until a call fails: then it records why and stops.
            var callers = connections.SelectMany((connection, c) => Enumerable.Range(0, CallersPerConnection).Select(w => Task.Run(async () =>
            {
                var caller = (long)(c * CallersPerConnection + w) << 32;
                for (long i = 0; ; i++)
                {
                    long result;
                    try
                    {
                        result = await connection.Proxy.WorkAsync(caller | i, CallMilliseconds);
                    }
                    catch (Exception ex)
                    {
                        endings.Enqueue(ex);
                        return;
                    }

                    if (result != (caller | i) * 2)
                    {
                        wrongResults.Enqueue($"call {caller | i} returned {result}");
                    }

                    if (Interlocked.Increment(ref succeeded) == SucceededBeforeStop)
                    {
                        loaded.TrySetResult();
                    }
                }
            }))).ToArray();

            await loaded.Task.WaitAsync(ChildProcess.Patience);
            daemon.Terminate();
            await Task.WhenAll(callers).WaitAsync(ChildProcess.Patience);
            Assert.Equal(0, await daemon.WaitForExitAsync());
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }

            var output = daemon.Output;
            var stopping = StoppingLine().Match(output);
            var counts = CountsLine().Match(output);
            Assert.True(stopping.Success && counts.Success, "The daemon did not report its counts. Its output:\n" + output);
            var inFlightAtStop = long.Parse(stopping.Groups[1].Value, CultureInfo.InvariantCulture);
            var accepted = long.Parse(counts.Groups[1].Value, CultureInfo.InvariantCulture);
            var completed = long.Parse(counts.Groups[2].Value, CultureInfo.InvariantCulture);
            log.WriteLine($"{(genericHost ? "generic host" : "ServiceHost")}: {Interlocked.Read(ref succeeded)} calls succeeded, " +
                $"{inFlightAtStop} in flight in the daemon at SIGTERM, daemon accepted {accepted} and completed {completed}, {endings.Count} callers refused");

            // The stop happened under load: calls were running in the daemon when it began.
            Assert.True(inFlightAtStop > 0, "no call was in flight when the stop began: " + output);

            // Every call the daemon accepted ran to the end, and its caller got the right result.
            Assert.Empty(wrongResults);
            Assert.Equal(accepted, completed);
            Assert.Equal(accepted, Interlocked.Read(ref succeeded));

            // Every caller ended on a typed refusal, none on another error, none silently.
            Assert.Equal(Connections * CallersPerConnection, endings.Count);
            Assert.All(endings, e =>
            {
                var refused = Assert.IsType<ServiceConnectionException>(e);
                Assert.Equal(ConnectionCloseReason.HostShuttingDown, refused.Reason);
            });
        }
        finally
        {
            TestPaths.DeleteDirectory(directory);
        }
    }

    [GeneratedRegex(@"^stopping in-flight=(\d+)$", RegexOptions.Multiline)]
    private static partial Regex StoppingLine();

    [GeneratedRegex(@"^accepted=(\d+) completed=(\d+)$", RegexOptions.Multiline)]
    private static partial Regex CountsLine();
}
