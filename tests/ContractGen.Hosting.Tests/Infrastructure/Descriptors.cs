using System.Runtime.InteropServices;

namespace ContractGen.Hosting.Tests.Infrastructure;

/// <summary>Just enough of libc to hand a listening socket to a child process, as systemd does.</summary>
internal static partial class Descriptors
{
    /// <summary>A copy of <paramref name="fd"/> that is not close-on-exec, so the next process started inherits it.</summary>
    public static int DuplicateInheritable(int fd)
    {
        var copy = dup(fd);
        return copy >= 0 ? copy : throw new InvalidOperationException($"dup({fd}) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    public static void Close(int fd) => _ = close(fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
