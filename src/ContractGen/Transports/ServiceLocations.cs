using System.Text;
using ContractGen.Systemd;

namespace ContractGen.Transports;

/// <summary>
/// Where a service's socket lives, decided by its contract's name and context, so that a client finds a daemon or an
/// agent without configuration:
/// <list type="table">
/// <item><term><see cref="ServiceContext.System"/></term><description><c>/run/&lt;name&gt;/&lt;name&gt;.sock</c> (a directory
/// only the daemon's user can write; <c>/var/run</c> on macOS)</description></item>
/// <item><term><see cref="ServiceContext.User"/></term><description><c>$XDG_RUNTIME_DIR/&lt;name&gt;.sock</c> (the user's
/// private runtime directory)</description></item>
/// <item><term><see cref="ServiceContext.Application"/></term><description>none: a private helper is reached through the
/// application that launches it</description></item>
/// </list>
/// These are the paths the units written by <c>contractgen units</c> listen on.
/// </summary>
public static class ServiceLocations
{
    /// <summary>The environment variable that names a user's runtime directory (set by <c>pam_systemd</c> at login).</summary>
    public const string UserRuntimeDirectoryVariable = "XDG_RUNTIME_DIR";

    // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
    private const int MaxSocketPathBytes = 107;

    /// <summary>Mode of a daemon's socket directory: others may reach the socket, only the daemon's user may change it.</summary>
    public const UnixFileMode SystemDirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Mode of a user's runtime directory when the host must create it: private to the user.</summary>
    public const UnixFileMode UserDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The directory under which daemons' socket directories live: <c>/run</c> on Linux, <c>/var/run</c> elsewhere.</summary>
    public static string SystemRuntimeDirectory => OperatingSystem.IsLinux() ? "/run" : "/var/run";

    /// <summary>The socket path of a service named <paramref name="contractName"/> in <paramref name="context"/>.</summary>
    /// <exception cref="ArgumentException">The name cannot be a file name, or the path would be too long for a Unix socket.</exception>
    /// <exception cref="InvalidOperationException">A <see cref="ServiceContext.User"/> location is asked for but <c>$XDG_RUNTIME_DIR</c> is not set to an absolute path.</exception>
    /// <exception cref="NotSupportedException"><paramref name="context"/> is <see cref="ServiceContext.Application"/>.</exception>
    public static string GetSocketPath(string contractName, ServiceContext context)
    {
        ValidateName(contractName);
        var path = context switch
        {
            ServiceContext.System => Path.Join(SystemRuntimeDirectory, contractName, contractName + ".sock"),
            ServiceContext.User => Path.Join(GetUserRuntimeDirectory(contractName), contractName + ".sock"),
            ServiceContext.Application => throw new NotSupportedException(
                $"'{contractName}' is a private helper (ServiceContext.Application): it has no well-known socket. The application that launches it connects to it; see the helper supervisor."),
            _ => throw new ArgumentOutOfRangeException(nameof(context), context, "Unknown service context."),
        };

        if (Encoding.UTF8.GetByteCount(path) > MaxSocketPathBytes)
        {
            throw new ArgumentException(
                $"The socket path '{path}' for '{contractName}' is longer than the {MaxSocketPathBytes} bytes a Unix socket address holds. Use a shorter contract name or an explicit endpoint.",
                nameof(contractName));
        }

        return path;
    }

    /// <summary>
    /// The well-known endpoint of <paramref name="contract"/> (see <see cref="GetSocketPath"/>). A host listening on it
    /// creates the socket's directory when missing (<c>0755</c> for a daemon, <c>0700</c> for a user's runtime directory)
    /// and refuses a directory another user owns or may write to.
    /// </summary>
    public static UnixSocketEndpoint ForContract(ContractDescriptor contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return new UnixSocketEndpoint(GetSocketPath(contract.Name, contract.Context))
        {
            DirectoryMode = contract.Context == ServiceContext.System ? SystemDirectoryMode : UserDirectoryMode,
        };
    }

    private static string GetUserRuntimeDirectory(string contractName)
    {
        var directory = Environment.GetEnvironmentVariable(UserRuntimeDirectoryVariable);
        if (string.IsNullOrEmpty(directory) || !Path.IsPathFullyQualified(directory))
        {
            throw new InvalidOperationException(
                $"'{contractName}' is a per-user agent (ServiceContext.User), whose socket lives in $XDG_RUNTIME_DIR, but {UserRuntimeDirectoryVariable} is " +
                (string.IsNullOrEmpty(directory) ? "not set" : $"'{directory}', not an absolute path") +
                " in this process. Run it in a user's login session (pam_systemd sets it, as does 'systemd-run --user'), set it to a directory only this user can access, or pass an explicit endpoint.");
        }

        return directory;
    }

    private static void ValidateName(string contractName)
    {
        ArgumentException.ThrowIfNullOrEmpty(contractName);
        if (contractName[0] == '.' || contractName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')))
        {
            throw new ArgumentException(
                $"The contract name '{contractName}' cannot name a socket file: use ASCII letters, digits and '.', '-', '_', not starting with '.' (for example 'com.example.clock').",
                nameof(contractName));
        }
    }

    /// <summary>
    /// Makes sure <paramref name="directory"/> exists with <paramref name="mode"/> when this process creates it, and that an
    /// existing one cannot be changed by anyone but this process's user or root (else a stranger could replace the socket).
    /// </summary>
    internal static void PrepareDirectory(string directory, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        if (!Directory.Exists(directory) && !File.Exists(directory))
        {
            try
            {
                Directory.CreateDirectory(directory, mode);

                // mkdir applies the umask; the mode is the point, so set it exactly.
                File.SetUnixFileMode(directory, mode);
                return;
            }
            catch (IOException) when (Directory.Exists(directory))
            {
                // Created by someone else meanwhile: check it like any existing directory.
            }
        }

        if (OperatingSystem.IsLinux())
        {
            if (!LinuxFileDescriptors.TryGetOwner(directory, out var owner, out var isDirectory) || !isDirectory)
            {
                throw new IOException($"Cannot serve in '{directory}': it is not a directory (a symbolic link is not followed).");
            }

            var self = Security.UnixAccounts.CurrentUserId;
            if (owner != self && owner != 0)
            {
                throw new IOException(
                    $"Cannot serve in '{directory}': it belongs to uid {owner}, not to this service's user (uid {self}) or root, so its owner could replace the socket. Remove it, or let systemd create it (RuntimeDirectory=).");
            }
        }

        var actual = File.GetUnixFileMode(directory);
        if ((actual & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new IOException(
                $"Cannot serve in '{directory}': its mode {Convert.ToString((int)actual, 8)} lets other users create and replace files in it. Make it 0755 or stricter.");
        }
    }
}
