using System.Globalization;
using System.Security;
using System.Text;
using ContractGen.Transports;

namespace ContractGen.Tool;

/// <summary>One file <see cref="ServiceUnitWriter"/> writes, and where it is installed.</summary>
/// <param name="FileName">The file's name, e.g. <c>com.example.clock.service</c>.</param>
/// <param name="Content">The file's text (<c>\n</c> line endings).</param>
/// <param name="InstallDirectory">Where the service manager looks for it (<c>~</c> for the user's home).</param>
public sealed record UnitFile(string FileName, string Content, string InstallDirectory);

/// <summary>
/// Writes the files that let a service manager run a ContractGen daemon or agent: a systemd <c>.socket</c> unit that
/// listens where <see cref="ServiceLocations"/> says clients look, a <c>Type=notify</c> <c>.service</c> unit the
/// socket starts on the first connection, and a launchd property list for macOS.
/// </summary>
public static class ServiceUnitWriter
{
    /// <summary>The environment variable through which a unit passes <c>--idle-exit</c> to <c>ServiceHost</c>.</summary>
    public const string IdleTimeoutVariable = "CONTRACTGEN_IDLE_TIMEOUT";

    /// <summary>The three files for <paramref name="settings"/>: <c>.service</c>, <c>.socket</c>, <c>.plist</c>.</summary>
    public static IReadOnlyList<UnitFile> Generate(ServiceUnitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var systemdDirectory = settings.User ? "~/.config/systemd/user" : "/etc/systemd/system";
        return
        [
            new(settings.Name + ".service", WriteService(settings), systemdDirectory),
            new(settings.Name + ".socket", WriteSocket(settings), systemdDirectory),
            new(settings.Name + ".plist", WriteLaunchdPlist(settings), settings.User ? "~/Library/LaunchAgents" : "/Library/LaunchDaemons"),
        ];
    }

    /// <summary>Writes the files into <paramref name="directory"/> (created when missing) and returns their paths.</summary>
    public static IReadOnlyList<string> WriteFiles(ServiceUnitSettings settings, string directory)
    {
        var files = Generate(settings);
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(directory, file.FileName);
            File.WriteAllText(path, file.Content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>The socket path inside a unit: <c>/run/&lt;name&gt;/&lt;name&gt;.sock</c>, or <c>%t/&lt;name&gt;.sock</c> (<c>$XDG_RUNTIME_DIR</c>) for an agent.</summary>
    public static string SocketPath(ServiceUnitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.User
            ? "%t/" + settings.Name + ".sock"
            : $"/run/{settings.Name}/{settings.Name}.sock"; // ServiceLocations' path on Linux, wherever the tool runs
    }

    /// <summary>The <c>.socket</c> unit: systemd owns the listening socket and starts the service on the first connection.</summary>
    public static string WriteSocket(ServiceUnitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = new UnitText();
        text.Comment($"Written by 'contractgen units'. Listens for {settings.Name} and starts {settings.Name}.service on the first connection.");
        text.Section("Unit");
        text.Line("Description", (settings.Description ?? settings.Name) + " (socket)");
        text.Blank();
        text.Section("Socket");
        text.Line("ListenStream", SocketPath(settings));

        // ServiceHost.StartAsync() takes the socket named after the contract it serves.
        text.Line("FileDescriptorName", settings.Name);
        if (settings.User)
        {
            text.Comment("A per-user agent: only this user may connect.");
            text.Line("SocketMode", "0600");
            text.Line("DirectoryMode", "0700");
        }
        else
        {
            text.Comment("Any local user may connect; the daemon authorizes each call from the caller's kernel credentials.");
            text.Line("SocketMode", "0666");
            text.Line("DirectoryMode", "0755");
        }

        text.Line("Accept", "no");
        text.Line("RemoveOnStop", "yes");
        text.Blank();
        text.Section("Install");
        text.Line("WantedBy", "sockets.target");
        return text.ToString();
    }

    /// <summary>The <c>.service</c> unit: <c>Type=notify</c>, started by the socket, restarted after a crash, sandboxed.</summary>
    public static string WriteService(ServiceUnitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var socket = settings.Name + ".socket";
        var text = new UnitText();
        text.Comment($"Written by 'contractgen units'. A ContractGen {(settings.User ? "per-user agent" : "system daemon")}: ServiceHost.StartAsync() takes");
        text.Comment($"the socket from {socket} and sends READY=1 when it serves.");
        text.Section("Unit");
        text.Line("Description", settings.Description ?? settings.Name);
        text.Line("Requires", socket);
        text.Line("After", socket);
        text.Blank();
        text.Section("Service");
        text.Line("Type", "notify");
        text.Line("NotifyAccess", "main");
        text.Line("ExecStart", string.Join(' ', settings.Arguments.Prepend(settings.Executable).Select(QuoteExecArgument)));
        if (settings.IdleExit is { } idle)
        {
            text.Comment($"Exits after {Seconds(idle)} s without clients; {socket} starts it again on the next connection.");
            text.Line("Environment", $"{IdleTimeoutVariable}={Seconds(idle)}");
        }

        // Restart only after a failure: an idle exit is a clean exit, and the socket restarts the service on demand.
        text.Line("Restart", "on-failure");
        text.Line("RestartSec", "1s");
        text.Comment("systemd 252 (Debian 12) has no RestartSteps=; its start limit (5 starts in 10 s) ends a crash loop.");
        text.Line("TimeoutStopSec", Seconds(settings.StopTimeout) + "s");
        if (settings.Watchdog is { } watchdog)
        {
            text.Line("WatchdogSec", Seconds(watchdog) + "s");
        }

        if (!settings.User)
        {
            if (settings.RunAs is { } user)
            {
                text.Line("User", user);
            }

            text.Line("RuntimeDirectory", settings.Name);
            text.Line("RuntimeDirectoryMode", "0755");
            text.Comment("The socket file lives in the runtime directory: keep it when the daemon stops, or clients lose it.");
            text.Line("RuntimeDirectoryPreserve", "yes");
        }

        text.Line("UMask", "0077");
        text.Blank();
        if (settings.User)
        {
            // A user manager cannot set up mount namespaces without user namespaces: only what needs no privilege.
            text.Comment("Hardening that a user manager applies without privileges.");
            text.Line("NoNewPrivileges", "yes");
        }
        else
        {
            text.Comment("Hardening. Add paths the daemon must write to ReadWritePaths=.");
            text.Line("NoNewPrivileges", "yes");
            text.Line("ProtectSystem", "strict");
            text.Line("ProtectHome", "read-only");
            text.Line("PrivateTmp", "yes");
            text.Line("PrivateDevices", "yes");
            text.Line("ProtectKernelTunables", "yes");
            text.Line("ProtectKernelModules", "yes");
            text.Line("ProtectKernelLogs", "yes");
            text.Line("ProtectControlGroups", "yes");
            text.Line("ProtectClock", "yes");
            text.Line("ProtectHostname", "yes");
        }

        text.Line("RestrictNamespaces", "yes");
        text.Line("RestrictRealtime", "yes");
        text.Line("RestrictSUIDSGID", "yes");
        text.Line("LockPersonality", "yes");
        text.Line("SystemCallArchitectures", "native");
        text.Comment("ContractGen serves over Unix sockets; add AF_INET AF_INET6 if the service makes network calls.");
        text.Line("RestrictAddressFamilies", "AF_UNIX");
        if (settings.NativeAot)
        {
            text.Comment("A NativeAOT build never writes executable memory.");
            text.Line("MemoryDenyWriteExecute", "yes");
        }
        else
        {
            text.Comment("No MemoryDenyWriteExecute=: the .NET JIT writes code before it runs it (only a NativeAOT build may set it).");
        }

        text.Blank();
        text.Section("Install");
        if (settings.IdleExit is null)
        {
            text.Line("WantedBy", settings.User ? "default.target" : "multi-user.target");
        }

        text.Line("Also", socket);
        return text.ToString();
    }

    /// <summary>
    /// The launchd property list: a launch daemon (or agent with <c>--user</c>) started at load and relaunched after a
    /// crash. launchd's own socket activation is not used, so the service listens itself and does not exit when idle.
    /// </summary>
    public static string WriteLaunchdPlist(ServiceUnitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = new StringBuilder();
        text.Append("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">

            """);
        text.Append("<!-- Written by 'contractgen units'. A launchd ").Append(settings.User ? "agent" : "daemon")
            .Append(": started at load and relaunched after a crash. -->\n");
        if (settings.IdleExit is not null)
        {
            text.Append("<!-- --idle-exit is not applied here: on-demand start needs launchd socket activation, which ContractGen does not implement yet. -->\n");
        }

        text.Append("<plist version=\"1.0\">\n<dict>\n");
        Key(text, "Label");
        String(text, settings.Name, 1);
        Key(text, "ProgramArguments");
        text.Append("\t<array>\n");
        foreach (var argument in settings.Arguments.Prepend(settings.Executable))
        {
            String(text, argument, 2);
        }

        text.Append("\t</array>\n");
        if (settings.RunAs is { } user)
        {
            Key(text, "UserName");
            String(text, user, 1);
        }

        Key(text, "RunAtLoad");
        text.Append("\t<true/>\n");
        Key(text, "KeepAlive");
        text.Append("\t<dict>\n\t\t<key>SuccessfulExit</key>\n\t\t<false/>\n\t</dict>\n");
        Key(text, "ThrottleInterval");
        text.Append("\t<integer>10</integer>\n");
        Key(text, "ExitTimeOut");
        text.Append("\t<integer>").Append(((int)Math.Ceiling(settings.StopTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture)).Append("</integer>\n");
        Key(text, "ProcessType");
        String(text, settings.User ? "Adaptive" : "Background", 1);
        text.Append("</dict>\n</plist>\n");
        return text.ToString();

        static void Key(StringBuilder text, string key) => text.Append("\t<key>").Append(key).Append("</key>\n");

        static void String(StringBuilder text, string value, int depth)
            => text.Append('\t', depth).Append("<string>").Append(SecurityElement.Escape(value)).Append("</string>\n");
    }

    /// <summary>
    /// Quotes one word of <c>ExecStart=</c>: <c>%</c> and <c>$</c> are doubled (no specifier or variable expansion), and a
    /// word with spaces, quotes or backslashes is double-quoted with C escapes.
    /// </summary>
    public static string QuoteExecArgument(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var escaped = word.Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);
        if (escaped.Length > 0 && !escaped.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or ';'))
        {
            return escaped;
        }

        return "\"" + escaped.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>An INI-style unit file with <c>\n</c> line endings.</summary>
    private sealed class UnitText
    {
        private readonly StringBuilder _text = new();

        public void Section(string name) => _text.Append('[').Append(name).Append("]\n");

        public void Line(string key, string value) => _text.Append(key).Append('=').Append(value).Append('\n');

        public void Comment(string comment) => _text.Append("# ").Append(comment).Append('\n');

        public void Blank() => _text.Append('\n');

        public override string ToString() => _text.ToString();
    }
}
