using System.Runtime.InteropServices;
using System.Text;

namespace ContractGen.Security;

/// <summary>User and group look-ups through libc (so NSS sources such as LDAP count too), without a native shim.</summary>
internal static unsafe partial class UnixAccounts
{
    private const int BufferSize = 16 * 1024;

    /// <summary>The effective uid of this process.</summary>
    public static uint CurrentUserId => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? geteuid() : uint.MaxValue;

    public static uint? TryGetUserId(string name) => TryGetUser(name)?.UserId;

    /// <summary>Looks a user up in the passwd database (NSS included): uid, primary gid and home directory.</summary>
    public static (uint UserId, uint GroupId, string Home)? TryGetUser(string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Passwd entry;
        Passwd* result;
        var buffer = stackalloc byte[BufferSize];
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* namePtr = nameBytes)
        {
            return getpwnam_r(namePtr, &entry, buffer, BufferSize, &result) == 0 && result != null
                ? (entry.pw_uid, entry.pw_gid, Marshal.PtrToStringUTF8((nint)entry.pw_dir) ?? "/")
                : null;
        }
    }

    public static uint? TryGetGroupId(string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Group entry;
        Group* result;
        var buffer = stackalloc byte[BufferSize];
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* namePtr = nameBytes)
        {
            return getgrnam_r(namePtr, &entry, buffer, BufferSize, &result) == 0 && result != null ? entry.gr_gid : null;
        }
    }

    public static string? TryGetUserName(uint uid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Passwd entry;
        Passwd* result;
        var buffer = stackalloc byte[BufferSize];
        return getpwuid_r(uid, &entry, buffer, BufferSize, &result) == 0 && result != null
            ? Marshal.PtrToStringUTF8((nint)entry.pw_name)
            : null;
    }

    /// <summary>"uid 1000 (alice)" for messages; the name only where it resolves.</summary>
    public static string Describe(uint uid)
        => TryGetUserName(uid) is { } name
            ? $"uid {uid.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({name})"
            : $"uid {uid.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    // glibc's struct passwd and struct group.
    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public byte* pw_name;
        public byte* pw_passwd;
        public uint pw_uid;
        public uint pw_gid;
        public byte* pw_gecos;
        public byte* pw_dir;
        public byte* pw_shell;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Group
    {
        public byte* gr_name;
        public byte* gr_passwd;
        public uint gr_gid;
        public byte** gr_mem;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial uint geteuid();

    [LibraryImport("libc")]
    private static partial int getpwnam_r(byte* name, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    [LibraryImport("libc")]
    private static partial int getpwuid_r(uint uid, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

    [LibraryImport("libc")]
    private static partial int getgrnam_r(byte* name, Group* grp, byte* buf, nuint buflen, Group** result);
}
