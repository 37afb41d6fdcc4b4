using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ContractGen.Protocol;

namespace ContractGen.EndToEnd.Tests.Soak;

/// <summary>What a soak run sent and what the daemon answered.</summary>
internal sealed class SoakReport
{
    public long FramesSent;
    public long MutatedFramesSent;
    public long BytesSent;
    public long Connections;
    public long ConnectionsClosedByHost;
    public long ConnectionsHung;
    public long ConnectFailures;
    public long Replies;
    public long StreamItems;
    public long PeakResidentBytes;
    public long BaselineResidentBytes;
    public TimeSpan Elapsed;

    /// <summary>Frames generated per class (counted when they were fully written to the socket).</summary>
    public ConcurrentDictionary<string, long> SentByClass { get; } = new();

    /// <summary>What the daemon answered: HelloAck statuses, Error codes, GoAway reasons with their detail, closes.</summary>
    public ConcurrentDictionary<string, long> Outcomes { get; } = new();

    public static void Count(ConcurrentDictionary<string, long> table, string key, long by = 1) => table.AddOrUpdate(key, by, (_, v) => v + by);

    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"frames sent {FramesSent:N0} ({BytesSent / (1024.0 * 1024):F1} MiB) in {Elapsed.TotalSeconds:F1} s = {FramesSent / Math.Max(0.001, Elapsed.TotalSeconds):N0} frames/s");
        text.AppendLine(CultureInfo.InvariantCulture, $"mutated or hostile frames (all but valid calls and valid handshakes) {MutatedFramesSent:N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"connections {Connections:N0} (closed by the daemon {ConnectionsClosedByHost:N0}, hung {ConnectionsHung}, connect failures {ConnectFailures})");
        text.AppendLine(CultureInfo.InvariantCulture, $"replies {Replies:N0}, stream items {StreamItems:N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"VmRSS baseline {BaselineResidentBytes / (1024 * 1024)} MiB, peak {PeakResidentBytes / (1024 * 1024)} MiB");
        text.AppendLine("daemon's answers:");
        foreach (var (key, value) in Outcomes.OrderByDescending(p => p.Value))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {value,10:N0}  {key}");
        }

        text.AppendLine("frames sent by class:");
        foreach (var (key, value) in SentByClass.OrderByDescending(p => p.Value))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {value,10:N0}  {key}");
        }

        return text.ToString();
    }
}

/// <summary>
/// Runs the soak: <c>workers</c> concurrent connections, each replaced as soon as it ends, every one sending its
/// plan from the <see cref="FrameMutator"/> pipelined (without waiting for answers) while a reader takes whatever the
/// daemon sends until it closes.
/// </summary>
/// <remarks>
/// Even workers connect to the daemon's default host (a malformed call closes the connection), odd workers to its
/// second host on <paramref name="failCallSocket"/> (a malformed call fails alone), in the same process.
/// </remarks>
internal sealed partial class SoakRunner(ServiceProcess service, string failCallSocket, int seed, long frames, int workers)
{
    /// <summary>How long one connection may take to end after its client has sent everything and shut down its side.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly SoakReport _report = new();

    public async Task<SoakReport> RunAsync()
    {
        _report.BaselineResidentBytes = service.ResidentBytes();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested && !service.HasExited)
            {
                try
                {
                    var rss = service.ResidentBytes();
                    InterlockedMax(ref _report.PeakResidentBytes, rss);
                }
                catch (IOException)
                {
                    // The process ended between the check and the read; the test reports that.
                }

                await Task.Delay(50, CancellationToken.None);
            }
        });

        var clock = Stopwatch.StartNew();
        var share = frames / workers;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(new Random(unchecked(seed + (w * 7919))), share, w % 2 == 1))));
        _report.Elapsed = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;
        return _report;
    }

    private async Task WorkerAsync(Random random, long share, bool failCall)
    {
        var mutator = new FrameMutator(random);
        var socket = failCall ? failCallSocket : service.SocketPath;
        long sent = 0;
        while (sent < share && !service.HasExited)
        {
            var plan = mutator.NextConnection(SoakContract.Name, SoakContract.Descriptor.Fingerprint, [.. SoakContract.Descriptor.Methods.Select(m => m.Id)], failCall);
            sent += await RunConnectionAsync(socket, plan, failCall ? "fail-call host" : "default host");
        }
    }

    /// <summary>Sends one plan over a fresh connection; returns how many of its frames were written whole.</summary>
    private async Task<long> RunConnectionAsync(string path, ConnectionPlan plan, string host)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _report.ConnectFailures);
            await Task.Delay(10);
            return 0;
        }

        Interlocked.Increment(ref _report.Connections);
        var reader = ReadUntilClosedAsync(socket, host);

        // Frames are packed into sends of up to 64 KiB; a frame counts as sent once all its bytes were written.
        long written = 0;
        var buffer = new MemoryStream();
        var ends = new List<(int End, string Class)>();
        var next = 0;
        try
        {
            while (next < plan.Frames.Count)
            {
                buffer.SetLength(0);
                ends.Clear();
                while (next < plan.Frames.Count && (buffer.Length == 0 || buffer.Length + plan.Frames[next].Bytes.Length <= 64 * 1024))
                {
                    buffer.Write(plan.Frames[next].Bytes);
                    ends.Add(((int)buffer.Length, plan.Frames[next].Class));
                    next++;
                }

                var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
                while (!bytes.IsEmpty)
                {
                    var n = await socket.SendAsync(bytes, SocketFlags.None).AsTask().WaitAsync(Patience);
                    bytes = bytes[n..];
                }

                foreach (var (_, frameClass) in ends)
                {
                    SoakReport.Count(_report.SentByClass, frameClass);
                    if (!FrameMutator.IsValid(frameClass))
                    {
                        Interlocked.Increment(ref _report.MutatedFramesSent);
                    }

                    written++;
                }

                Interlocked.Add(ref _report.BytesSent, buffer.Length);
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The daemon closed the connection while frames were still going out: the rest of the plan is dropped.
            SoakReport.Count(_report.Outcomes, "client: send failed, the daemon had closed (" + ((ex as SocketException)?.SocketErrorCode.ToString() ?? "disposed") + ")");
        }
        catch (TimeoutException)
        {
            SoakReport.Count(_report.Outcomes, "client: send blocked longer than the patience");
            Interlocked.Increment(ref _report.ConnectionsHung);
        }

        Interlocked.Add(ref _report.FramesSent, written);
        if (!await reader)
        {
            Interlocked.Increment(ref _report.ConnectionsHung);
        }

        return written;
    }

    /// <summary>Reads and classifies frames until the daemon closes; false if it did not within the patience.</summary>
    private async Task<bool> ReadUntilClosedAsync(Socket socket, string host)
    {
        var buffer = new byte[256 * 1024];
        int start = 0, end = 0;
        var sawGoAway = false;
        using var timeout = new CancellationTokenSource(Patience * 2);
        try
        {
            while (true)
            {
                while (end - start >= FrameHeader.Size)
                {
                    var length = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(start));
                    if (length > buffer.Length - FrameHeader.Size)
                    {
                        SoakReport.Count(_report.Outcomes, "client: the daemon sent a frame longer than the reader's buffer");
                        return true;
                    }

                    if (end - start < FrameHeader.Size + length)
                    {
                        break;
                    }

                    var header = FrameHeader.Read(buffer.AsSpan(start));
                    sawGoAway |= Classify(header, buffer.AsSpan(start + FrameHeader.Size, (int)length), host);
                    start += FrameHeader.Size + (int)length;
                }

                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                var n = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, timeout.Token);
                if (n == 0)
                {
                    break;
                }

                end += n;
            }

            SoakReport.Count(_report.Outcomes, sawGoAway ? "closed after GoAway" : "closed without GoAway");
            Interlocked.Increment(ref _report.ConnectionsClosedByHost);
            return true;
        }
        catch (SocketException ex)
        {
            SoakReport.Count(_report.Outcomes, (sawGoAway ? "closed after GoAway" : "closed without GoAway") + $" ({ex.SocketErrorCode})");
            Interlocked.Increment(ref _report.ConnectionsClosedByHost);
            return true;
        }
        catch (OperationCanceledException)
        {
            SoakReport.Count(_report.Outcomes, "client: the daemon neither answered nor closed within the patience");
            return false;
        }
    }

    /// <summary>Counts one frame from the daemon; returns whether it was a GoAway.</summary>
    private bool Classify(FrameHeader header, ReadOnlySpan<byte> payload, string host)
    {
        switch (header.Kind)
        {
            case FrameKind.Reply:
                Interlocked.Increment(ref _report.Replies);
                return false;
            case FrameKind.StreamItem:
                Interlocked.Increment(ref _report.StreamItems);
                return false;
            case FrameKind.HelloAck:
                SoakReport.Count(_report.Outcomes, host + ": HelloAck " + (payload.Length > 0 ? payload[0] switch { 0 => "accepted", 1 => "refused: unknown contract", 2 => "refused: unsupported version", var s => "status " + s } : "empty"));
                return false;
            case FrameKind.Error:
                // A remote fault names the exception type (the implementation's, or a decoder's that was not a malformed-message one).
                SoakReport.Count(_report.Outcomes, host + ": Error " + (payload.Length > 0 ? ((ErrorCode)payload[0]).ToString() : "empty")
                    + (payload.Length > 0 && payload[0] == (byte)ErrorCode.RemoteFault ? " " + Bucket(payload[1..]) : ""));
                return false;
            case FrameKind.GoAway:
                SoakReport.Count(_report.Outcomes, $"{host}: GoAway {(header.MethodId == 2 ? "ProtocolViolation" : header.MethodId.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {Bucket(payload)}");
                return true;
            default:
                SoakReport.Count(_report.Outcomes, "daemon sent " + header.Kind);
                return false;
        }
    }

    /// <summary>The GoAway's reason text with numbers and quoted values taken out, so that like refusals count together.</summary>
    private static string Bucket(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 8)
        {
            return "(no detail)";
        }

        // A string in MemoryPack's UTF-8 form: ~byteCount, UTF-16 length, bytes.
        var byteCount = ~BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (byteCount < 0 || byteCount > payload.Length - 8)
        {
            return "(undecodable detail)";
        }

        var detail = Encoding.UTF8.GetString(payload.Slice(8, byteCount));
        detail = Numbers().Replace(Quoted().Replace(detail, "'…'"), "#");
        return detail.Length > 110 ? detail[..110] + "…" : detail;
    }

    [GeneratedRegex("'[^']*'")]
    private static partial Regex Quoted();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
