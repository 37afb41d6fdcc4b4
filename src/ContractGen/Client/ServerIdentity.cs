using ContractGen.Transports;

namespace ContractGen;

/// <summary>
/// The client's check of who serves it (<see cref="ServiceConnectionOptions.VerifyServerIdentity"/>): which uids a
/// contract's context accepts, and the comparison with the kernel's word on the peer.
/// </summary>
internal static class ServerIdentity
{
    /// <summary>Throws <see cref="ServerIdentityMismatchException"/> unless <paramref name="transport"/>'s peer runs as a uid the contract accepts.</summary>
    public static void Verify(ContractDescriptor contract, ServiceEndpoint endpoint, ITransport transport, ServiceConnectionOptions options)
    {
        if (!options.VerifyServerIdentity)
        {
            return;
        }

        var peer = transport.PeerCredentials;
        if (peer is null && transport.IsInProcess)
        {
            // Client and service are this process: there is nobody else to tell apart.
            return;
        }

        var expected = ExpectedUserIds(contract.Context, endpoint, options);
        if (peer is null || !expected.Contains(peer.UserId))
        {
            throw new ServerIdentityMismatchException(contract.Name, contract.Context, endpoint.ToString() ?? "the endpoint", expected, peer?.UserId, peer?.ProcessId);
        }
    }

    /// <summary>The uids accepted for a service in <paramref name="context"/> at <paramref name="endpoint"/>.</summary>
    public static IReadOnlyList<uint> ExpectedUserIds(ServiceContext context, ServiceEndpoint endpoint, ServiceConnectionOptions options)
    {
        // This process's own user is always accepted: a process of the same user can already read and change this one
        // (and everything it would send), so refusing it protects nothing.
        var self = Security.UnixAccounts.CurrentUserId;
        var accepted = new List<uint>(4) { self };
        if (options.ExpectedServerUserId is { } configured && configured != self)
        {
            accepted.Add(configured);
        }

        if (context == ServiceContext.System)
        {
            // Root, and the owner of a socket directory only root can have handed out. Not for a user's agent or a
            // helper: those run as the user, and a system service answering on such a socket is a misconfiguration.
            if (!accepted.Contains(0))
            {
                accepted.Insert(0, 0);
            }

            if (endpoint is UnixSocketEndpoint unix && TryGetRootAssignedDirectoryOwner(unix.Path) is { } owner && !accepted.Contains(owner))
            {
                accepted.Add(owner);
            }
        }

        return accepted;
    }

    /// <summary>
    /// The owner of the socket's directory when only root can have chosen it: the directory is a real directory (not a
    /// link) whose parent and every ancestor belong to root and no one else may write to, as with <c>/run/&lt;name&gt;/</c>. A
    /// directory under <c>/tmp</c> or a user's home proves nothing, since its owner made it.
    /// </summary>
    private static uint? TryGetRootAssignedDirectoryOwner(string socketPath)
    {
        if (!OperatingSystem.IsLinux() || !Path.IsPathFullyQualified(socketPath))
        {
            return null;
        }

        var directory = Path.GetDirectoryName(socketPath);
        var parent = directory is null ? null : Path.GetDirectoryName(directory);
        if (directory is null || parent is null)
        {
            return null;
        }

        // Every ancestor, not only the parent: whoever may write to one of them could swap the whole subtree.
        for (var ancestor = parent; ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
        {
            if (!Systemd.LinuxFileDescriptors.TryGetOwner(ancestor, out var ancestorOwner, out var ancestorIsDirectory, out var ancestorMode)
                || !ancestorIsDirectory || ancestorOwner != 0 || (ancestorMode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                return null;
            }
        }

        return Systemd.LinuxFileDescriptors.TryGetOwner(directory, out var owner, out var isDirectory) && isDirectory ? owner : null;
    }
}
