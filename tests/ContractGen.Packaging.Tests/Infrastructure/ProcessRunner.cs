using System.Diagnostics;
using System.Text;

namespace ContractGen.Packaging.Tests.Infrastructure;

/// <summary>The result of a child process: its exit code and everything it printed, both streams interleaved as read.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string Output)
{
    /// <summary>The command and its output, for an assertion message that shows why a step failed.</summary>
    public override string ToString() => $"$ {CommandLine}\n(exit code {ExitCode})\n{Output}";
}

/// <summary>Runs child processes (dotnet, the packed programs) with a deadline, and the environment the tests give them.</summary>
internal static class ProcessRunner
{
    /// <summary>The dotnet executable that runs the tests, as an absolute path when it can be found.</summary>
    public static string Dotnet { get; } = FindDotnet();

    /// <summary>Runs <paramref name="fileName"/> to its end, killing it (and its children) past <paramref name="timeout"/>.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = new Process { StartInfo = CreateStartInfo(fileName, arguments, workingDirectory, environment) };
        var output = new StringBuilder();
        var outputClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Append(output, e.Data, outputClosed);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data, errorClosed);
        var commandLine = CommandLine(process.StartInfo);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{commandLine}' did not finish within {timeout.TotalSeconds:F0} s; it printed:\n{Snapshot(output)}");
        }

        // Its output ends with it, unless a process it left behind still holds the streams: then what it printed so far.
        var closed = Task.WhenAll(outputClosed.Task, errorClosed.Task);
        if (await Task.WhenAny(closed, Task.Delay(TimeSpan.FromSeconds(10))) != closed)
        {
            output.AppendLine("(the output streams stayed open after the process exited: a process it started still holds them)");
        }

        return new ProcessResult(commandLine, process.ExitCode, Snapshot(output));
    }

    /// <summary>The start information of a child: no shell, both streams read, the test runner's MSBuild settings removed.</summary>
    public static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The test host's own MSBuild variables would steer the child's build towards the runner's SDK resolution.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            info.Environment.Remove(variable);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // The tool shim installed by 'dotnet tool install' finds the runtime through DOTNET_ROOT.
        if (Path.IsPathRooted(Dotnet))
        {
            info.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Dotnet)!;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return info;
    }

    /// <summary>The command line as a person would type it, for messages.</summary>
    public static string CommandLine(ProcessStartInfo info)
        => string.Join(' ', new[] { info.FileName }.Concat(info.ArgumentList).Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));

    private static void Append(StringBuilder output, string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static string FindDotnet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        // The test host runs on the SDK's runtime: dotnet sits above shared/Microsoft.NETCore.App/<version>/.
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var candidate = runtime is null ? null : Path.GetFullPath(Path.Combine(runtime, "..", "..", "..", "dotnet"));
        return candidate is not null && File.Exists(candidate) ? candidate : "dotnet";
    }
}
