using System.ComponentModel;
using System.Runtime.InteropServices;

namespace ContractGen.Systemd;

/// <summary>The few libc calls socket activation and socket directories need, without a native shim.</summary>
internal static unsafe partial class LinuxFileDescriptors
{
    private const int FGetFd = 1;
    private const int FSetFd = 2;
    private const int FdCloExec = 1;
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxMode = 0x2;
    private const uint StatxUid = 0x8;
    private const ushort FileTypeMask = 0xF000; // S_IFMT
    private const ushort DirectoryType = 0x4000; // S_IFDIR

    /// <summary>Marks <paramref name="fd"/> close-on-exec, so a process this one starts does not inherit it.</summary>
    public static void SetCloseOnExec(int fd)
    {
        var flags = fcntl(fd, FGetFd, 0);
        if (flags < 0 || fcntl(fd, FSetFd, flags | FdCloExec) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"Could not mark file descriptor {fd} close-on-exec: {Marshal.GetPInvokeErrorMessage(errno)}.");
        }
    }

    /// <summary>
    /// The owner and type of <paramref name="path"/> itself (a symbolic link is not followed), through <c>statx</c>,
    /// whose structure has the same layout on every Linux architecture.
    /// </summary>
    public static bool TryGetOwner(string path, out uint userId, out bool isDirectory)
        => TryGetOwner(path, out userId, out isDirectory, out _);

    /// <summary>As <see cref="TryGetOwner(string, out uint, out bool)"/>, with the permission bits (<c>st_mode &amp; 07777</c>).</summary>
    public static bool TryGetOwner(string path, out uint userId, out bool isDirectory, out UnixFileMode mode)
    {
        // struct statx: u32 mask; u32 blksize; u64 attributes; u32 nlink; u32 uid; u32 gid; u16 mode; ... (256 bytes)
        var buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxMode | StatxUid, buffer) != 0)
        {
            userId = 0;
            isDirectory = false;
            mode = 0;
            return false;
        }

        userId = *(uint*)(buffer + 20);
        var rawMode = *(ushort*)(buffer + 28);
        isDirectory = (rawMode & FileTypeMask) == DirectoryType;
        mode = (UnixFileMode)(rawMode & 0xFFF);
        return true;
    }

    // fcntl is variadic in C; an int third argument is passed like a fixed one on the Linux ABIs .NET runs on.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);
}
