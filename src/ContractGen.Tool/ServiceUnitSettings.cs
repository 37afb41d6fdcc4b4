using ContractGen.Transports;

namespace ContractGen.Tool;

/// <summary>What <c>contractgen units</c> knows about a daemon or agent: everything its unit files are written from.</summary>
public sealed record ServiceUnitSettings
{
    /// <summary>The contract's wire name (<c>[ServiceContract(Name = …)]</c>): names the units, the socket and the launchd label.</summary>
    public required string Name { get; init; }

    /// <summary>The absolute path of the daemon's executable.</summary>
    public required string Executable { get; init; }

    /// <summary>Arguments passed to <see cref="Executable"/>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>A per-user agent (<c>systemctl --user</c>, a launchd agent) instead of a system daemon.</summary>
    public bool User { get; init; }

    /// <summary>When set, the daemon exits after this long without clients and the socket starts it on the next connection.</summary>
    public TimeSpan? IdleExit { get; init; }

    /// <summary>When set, systemd restarts the daemon if it does not report it is alive for this long (<c>WatchdogSec=</c>).</summary>
    public TimeSpan? Watchdog { get; init; }

    /// <summary>How long the daemon may take to stop (drain calls in flight) before systemd kills it. Default: 35 seconds.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(35);

    /// <summary>A system daemon's account (<c>User=</c>, launchd <c>UserName</c>); root when not set.</summary>
    public string? RunAs { get; init; }

    /// <summary>
    /// The daemon is a NativeAOT build, which never writes executable memory, so <c>MemoryDenyWriteExecute=yes</c> is safe.
    /// A JIT-compiled .NET process crashes under it.
    /// </summary>
    public bool NativeAot { get; init; }

    /// <summary>A one-line description for <c>systemctl status</c>.</summary>
    public string? Description { get; init; }

    /// <summary>The context the units are for.</summary>
    public ServiceContext Context => User ? ServiceContext.User : ServiceContext.System;

    /// <summary>Checks the settings and says what is wrong in terms of the command's options.</summary>
    /// <exception cref="ArgumentException">A setting cannot be written into a unit.</exception>
    public void Validate()
    {
        // The same rule the runtime applies, so the unit's socket is where clients will look.
        _ = ServiceLocations.GetSocketPath(Name, ServiceContext.System);
        if (!Executable.StartsWith('/'))
        {
            throw new ArgumentException($"--exec '{Executable}' must be an absolute path: systemd and launchd start it without a search path.");
        }

        foreach (var value in Arguments.Append(Executable).Append(Description ?? ""))
        {
            if (value.Any(char.IsControl))
            {
                throw new ArgumentException($"'{value.ReplaceLineEndings(" ")}' contains a control character (such as a line break), which a unit file cannot hold.");
            }
        }

        if (IdleExit is { } idle && idle <= TimeSpan.Zero)
        {
            throw new ArgumentException("--idle-exit must be a positive number of seconds.");
        }

        if (Watchdog is { } watchdog && watchdog < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("--watchdog must be at least 1 second.");
        }

        if (RunAs is not null && (User || RunAs.Length == 0 || !RunAs.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
        {
            throw new ArgumentException(User
                ? "--run-as applies to system daemons only: an agent runs as the user whose session starts it."
                : $"--run-as '{RunAs}' is not a user name.");
        }
    }
}
