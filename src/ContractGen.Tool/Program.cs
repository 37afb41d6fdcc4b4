using System.CommandLine;
using System.Globalization;

namespace ContractGen.Tool;

/// <summary>
/// <c>contractgen units --name com.example.clock --exec /usr/local/bin/clockd [--user] [--idle-exit 60] [--output DIR]</c>
/// writes the systemd units and the launchd property list for a daemon or agent; <c>contractgen lock</c> (see
/// <see cref="LockCommand"/>) records a project's contracts in its lock file.
/// </summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command line, writing to <paramref name="output"/> and <paramref name="error"/> (for tests).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var root = new RootCommand("ContractGen: typed IPC for .NET. Deployment helpers for daemons and agents, and the contract lock file.")
        {
            CreateUnitsCommand(output, error),
            LockCommand.Create(output, error),
        };
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static Command CreateUnitsCommand(TextWriter output, TextWriter error)
    {
        var name = new Option<string>("--name")
        {
            Description = "The contract's name ([ServiceContract(Name = ...)]): names the units, the socket and the launchd label.",
            Required = true,
        };
        var exec = new Option<string>("--exec")
        {
            Description = "Absolute path of the daemon's executable. Arguments for it follow '--'.",
            Required = true,
        };
        var user = new Option<bool>("--user")
        {
            Description = "A per-user agent (systemctl --user, launchd agent) instead of a system daemon.",
        };
        var idleExit = new Option<int?>("--idle-exit")
        {
            Description = "Seconds without clients after which the service exits; the socket starts it again on the next connection.",
            HelpName = "SECONDS",
        };
        var watchdog = new Option<int?>("--watchdog")
        {
            Description = "Seconds after which systemd restarts a service that stopped reporting it is alive (WatchdogSec=).",
            HelpName = "SECONDS",
        };
        var stopTimeout = new Option<int>("--stop-timeout")
        {
            Description = "Seconds the service may take to finish calls in flight when stopped (TimeoutStopSec=).",
            DefaultValueFactory = _ => 35,
            HelpName = "SECONDS",
        };
        var runAs = new Option<string?>("--run-as")
        {
            Description = "The account a system daemon runs as (User=); root when not given.",
            HelpName = "USER",
        };
        var nativeAot = new Option<bool>("--native-aot")
        {
            Description = "The executable is a NativeAOT build: also set MemoryDenyWriteExecute=yes (a JIT build crashes under it).",
        };
        var description = new Option<string?>("--description")
        {
            Description = "A one-line description for systemctl status.",
        };
        var outputDirectory = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "Directory to write the files into.",
            DefaultValueFactory = _ => new DirectoryInfo("."),
            HelpName = "DIR",
        };
        var arguments = new Argument<string[]>("arguments")
        {
            Description = "Arguments for the executable, after '--'.",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var command = new Command("units", "Write the systemd .service and .socket units and a launchd .plist for a daemon or agent.")
        {
            name, exec, user, idleExit, watchdog, stopTimeout, runAs, nativeAot, description, outputDirectory, arguments,
        };
        command.SetAction(result =>
        {
            var settings = new ServiceUnitSettings
            {
                Name = result.GetValue(name)!,
                Executable = result.GetValue(exec)!,
                Arguments = result.GetValue(arguments) ?? [],
                User = result.GetValue(user),
                IdleExit = result.GetValue(idleExit) is { } idle ? TimeSpan.FromSeconds(idle) : null,
                Watchdog = result.GetValue(watchdog) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                StopTimeout = TimeSpan.FromSeconds(result.GetValue(stopTimeout)),
                RunAs = result.GetValue(runAs),
                NativeAot = result.GetValue(nativeAot),
                Description = result.GetValue(description),
            };

            var directory = result.GetValue(outputDirectory)!.FullName;
            IReadOnlyList<string> written;
            try
            {
                written = ServiceUnitWriter.WriteFiles(settings, directory);
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"contractgen units: {ex.Message}");
                return 1;
            }

            foreach (var path in written)
            {
                output.WriteLine(path);
            }

            output.WriteLine();
            output.Write(InstallInstructions(settings, directory));
            return 0;
        });
        return command;
    }

    /// <summary>The commands that install and start what was written.</summary>
    internal static string InstallInstructions(ServiceUnitSettings settings, string directory)
    {
        var n = settings.Name;
        var d = directory;
        var systemctl = settings.User ? "systemctl --user" : "sudo systemctl";
        var install = settings.User
            ? $"install -D -m 0644 -t ~/.config/systemd/user {d}/{n}.service {d}/{n}.socket"
            : $"sudo install -m 0644 -t /etc/systemd/system {d}/{n}.service {d}/{n}.socket";
        var launchd = settings.User
            ? $"cp {d}/{n}.plist ~/Library/LaunchAgents/ && launchctl bootstrap gui/$(id -u) ~/Library/LaunchAgents/{n}.plist"
            : $"sudo cp {d}/{n}.plist /Library/LaunchDaemons/ && sudo launchctl bootstrap system /Library/LaunchDaemons/{n}.plist";
        return string.Create(CultureInfo.InvariantCulture, $"""
            Install with systemd:
              {install}
              {systemctl} daemon-reload
              {systemctl} enable --now {n}.socket
            Clients find it at {ServiceUnitWriter.SocketPath(settings).Replace("%t", "$XDG_RUNTIME_DIR", StringComparison.Ordinal)}.
            On macOS:
              {launchd}

            """);
    }
}
