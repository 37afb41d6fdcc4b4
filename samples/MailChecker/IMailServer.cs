using ContractGen;
using MemoryPack;

namespace Example.MailChecker;

/// <summary>
/// The mail-server helper: it talks to the (here simulated) mail server and parses messages, the risky part, so that a
/// malformed message crashes the helper instead of the application.
/// </summary>
/// <remarks>
/// <c>[AllowCallers]</c> admits root as well as the helper's own user: with <c>--helper-user</c>, the application runs
/// as root and the helper as an unprivileged user, and the default rule of a helper contract (same uid only) would
/// refuse the root caller.
/// </remarks>
[ServiceContract(Name = "com.example.mailchecker.mail-server", Context = ServiceContext.Application)]
[AllowCallers(Root = true, SameUser = true)]
public partial interface IMailServer
{
    /// <summary>Fetches and parses a mailbox's unread messages.</summary>
    ValueTask<MailboxSummary> CheckAsync(string mailbox, CancellationToken cancellationToken = default);
}

/// <summary>What a mailbox holds, and which helper process found out.</summary>
[MemoryPackable]
public sealed partial record MailboxSummary(string Mailbox, string[] Subjects, int HelperProcessId, uint HelperUserId);
