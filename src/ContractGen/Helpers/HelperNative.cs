using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace ContractGen.Helpers;

/// <summary>The few libc calls helper supervision needs that .NET has no managed API for.</summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class HelperNative
{
    /// <summary>The effective gid of this process.</summary>
    public static uint EffectiveGroupId => getegid();

    /// <summary>The pid of this process's parent (1, or a subreaper, once the parent has died).</summary>
    public static int ParentProcessId => getppid();

    /// <summary>Creates a fresh directory with mode 0700 named <paramref name="prefix"/> plus six random characters inside <paramref name="parent"/> (<c>mkdtemp</c>).</summary>
    public static string CreatePrivateDirectory(string parent, string prefix)
    {
        var template = Encoding.UTF8.GetBytes(Path.Combine(parent, prefix + "XXXXXX") + "\0");
        fixed (byte* path = template)
        {
            if (mkdtemp(path) == null)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"Could not create a private directory in '{parent}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
            }
        }

        return Encoding.UTF8.GetString(template, 0, template.Length - 1);
    }

    /// <summary>Gives <paramref name="path"/> to <paramref name="uid"/>:<paramref name="gid"/> (<c>chown</c>, which needs root).</summary>
    public static void ChangeOwner(string path, uint uid, uint gid)
    {
        if (chown(path, uid, gid) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Could not give '{path}' to uid {uid}, gid {gid}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }
    }

    [LibraryImport("libc")]
    private static partial uint getegid();

    [LibraryImport("libc")]
    private static partial int getppid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial byte* mkdtemp(byte* template);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, uint owner, uint group);
}
