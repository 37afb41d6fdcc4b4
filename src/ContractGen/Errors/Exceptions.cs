namespace ContractGen;

/// <summary>The base of every exception ContractGen throws for a condition a caller can meet at run time.</summary>
public abstract class ContractGenException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected ContractGenException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Why a connection ended. Every call that was in flight fails with a <see cref="ServiceConnectionException"/> carrying this reason.</summary>
public enum ConnectionCloseReason
{
    /// <summary>The connection is still open.</summary>
    None = 0,

    /// <summary>This side disposed the connection.</summary>
    LocalDispose,

    /// <summary>The other side closed the connection without saying why (it exited or crashed).</summary>
    PeerClosed,

    /// <summary>The service is shutting down and announced it.</summary>
    HostShuttingDown,

    /// <summary>The other side sent something that breaks the protocol; this side closed the connection.</summary>
    ProtocolViolationByPeer,

    /// <summary>The other side rejected a message from this side as a protocol violation and closed the connection.</summary>
    RejectedByPeer,

    /// <summary>The transport failed (for example a socket error).</summary>
    TransportError,

    /// <summary>The handshake failed: the service does not serve this contract or speaks another protocol version.</summary>
    HandshakeFailed,

    /// <summary>Connecting did not complete within the configured timeout.</summary>
    ConnectTimeout,

    /// <summary>No connection could be made to the endpoint.</summary>
    ConnectFailed,

    /// <summary>The other side sent nothing, not even a keepalive answer, for longer than the keepalive timeout (it hangs).</summary>
    PeerUnresponsive,

    /// <summary>The service refused the connection because the client's user has used up one of its quotas.</summary>
    QuotaExceeded,

    /// <summary>
    /// This side refused the service before sending anything: the process serving the endpoint does not run as the user
    /// the contract calls for (see <see cref="ServiceConnectionOptions.VerifyServerIdentity"/>).
    /// </summary>
    ServerIdentityMismatch,
}

/// <summary>
/// A connection could not be made, or ended while calls were in flight. <see cref="Reason"/> says why and whose side
/// ended it; the message says what to do.
/// </summary>
public class ServiceConnectionException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    public ServiceConnectionException(ConnectionCloseReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the connection ended.</summary>
    public ConnectionCloseReason Reason { get; }

    /// <summary>Whether the other side ended the connection (as opposed to this side or the transport).</summary>
    public bool ClosedByPeer => Reason is ConnectionCloseReason.PeerClosed or ConnectionCloseReason.HostShuttingDown
        or ConnectionCloseReason.RejectedByPeer or ConnectionCloseReason.HandshakeFailed;
}

/// <summary>The service at the endpoint does not serve the contract the client asked for.</summary>
public sealed class ContractMismatchException : ServiceConnectionException
{
    /// <summary>Creates the exception.</summary>
    public ContractMismatchException(string localContract, ulong localFingerprint, string remoteDescription, string message)
        : base(ConnectionCloseReason.HandshakeFailed, message)
    {
        LocalContract = localContract;
        LocalFingerprint = localFingerprint;
        RemoteDescription = remoteDescription;
    }

    /// <summary>The contract this side asked for.</summary>
    public string LocalContract { get; }

    /// <summary>The fingerprint of this side's contract.</summary>
    public ulong LocalFingerprint { get; }

    /// <summary>What the other side serves, as it described it.</summary>
    public string RemoteDescription { get; }
}

/// <summary>
/// The service's implementation failed with an exception it did not declare. What the caller learns depends on the
/// service: across a privilege boundary (<see cref="ServiceContext.System"/> and <see cref="ServiceContext.User"/>
/// contracts) only that the call failed and a <see cref="FaultId"/> that the service's log holds with the full
/// exception; the exception's type when the host sets <see cref="ServiceHostOptions.IncludeExceptionTypes"/>; its
/// message and stack trace only with <see cref="ServiceHostOptions.IncludeExceptionDetails"/>. A private helper
/// (<see cref="ServiceContext.Application"/>) sends the type and message by default. A fault the contract means its
/// callers to see arrives as <see cref="ServiceFaultException"/> instead.
/// </summary>
public sealed class RemoteFaultException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="method">The contract method that failed.</param>
    /// <param name="remoteExceptionType">The full type name of the service's exception, when the service sent it.</param>
    /// <param name="remoteMessage">The service's exception message, when the service sent it.</param>
    /// <param name="remoteStackTrace">The service's stack trace, when the service sent it.</param>
    /// <param name="faultId">The id under which the service logged the failure, when it sent one.</param>
    public RemoteFaultException(string method, string? remoteExceptionType, string? remoteMessage, string? remoteStackTrace, string? faultId = null)
        : base(Describe(method, remoteExceptionType, remoteMessage, faultId))
    {
        Method = method;
        RemoteExceptionType = remoteExceptionType;
        RemoteMessage = remoteMessage;
        RemoteStackTrace = remoteStackTrace;
        FaultId = faultId;
    }

    /// <summary>The contract method that failed.</summary>
    public string Method { get; }

    /// <summary>
    /// The full type name of the exception thrown in the service; <see langword="null"/> when the service does not say
    /// (the default of System and User contracts, see <see cref="ServiceHostOptions.IncludeExceptionTypes"/>).
    /// </summary>
    public string? RemoteExceptionType { get; }

    /// <summary>
    /// The message of the exception thrown in the service; <see langword="null"/> when the service does not say (the
    /// default of System and User contracts, see <see cref="ServiceHostOptions.IncludeExceptionDetails"/>).
    /// </summary>
    public string? RemoteMessage { get; }

    /// <summary>The service-side stack trace, when the host sets <see cref="ServiceHostOptions.IncludeExceptionDetails"/>; otherwise <see langword="null"/>.</summary>
    public string? RemoteStackTrace { get; }

    /// <summary>
    /// A random id the service logged with the full exception (16 hex digits): give it to the service's operator, who
    /// finds the failure in the service's log under it. <see langword="null"/> from a service that sent none.
    /// </summary>
    public string? FaultId { get; }

    private static string Describe(string method, string? type, string? message, string? faultId)
    {
        var id = faultId is null ? "" : $" (fault id {faultId})";
        return (type, message) switch
        {
            (null, null) => $"The service's implementation of '{method}' failed{id}. The service does not tell its callers why; its log records the failure{(faultId is null ? "" : " under that fault id")}.",
            (not null, null) => $"The service's implementation of '{method}' threw {type}{id}. Its log records the details{(faultId is null ? "" : " under that fault id")}.",
            _ => $"The service's implementation of '{method}' threw {type ?? "an exception"}: {message}{id}",
        };
    }
}

/// <summary>
/// A fault a service declares on purpose, as part of its contract (for example a not-found): a stable
/// <see cref="Code"/> and a message written for the caller. The implementation throws it; the caller receives it with
/// the same code and message, whatever the host's <see cref="ServiceHostOptions.IncludeExceptionDetails"/>. Anything
/// else an implementation throws reaches the caller as a <see cref="RemoteFaultException"/> that says little.
/// </summary>
/// <remarks>
/// A code is 1 to <see cref="MaxCodeLength"/> ASCII letters, digits, <c>.</c>, <c>_</c> or <c>-</c>, starting with a
/// letter (<c>zone-not-found</c>); check one with <see cref="IsValidCode"/>. A fault thrown with a code that breaks the
/// rule is not sent as declared: the caller gets a <see cref="RemoteFaultException"/> and the host logs why. A message
/// longer than <see cref="MaxMessageLength"/> characters is cut to that length. The message crosses the boundary: put
/// in it only what the caller may know. A <see cref="ServiceFaultException"/> that a service received from another
/// service and lets escape travels on as its own declared fault: catch it where that is not what its contract means.
/// </remarks>
public sealed class ServiceFaultException : ContractGenException
{
    /// <summary>The longest code, in characters.</summary>
    public const int MaxCodeLength = 64;

    /// <summary>The longest message that travels, in characters; a longer one is cut.</summary>
    public const int MaxMessageLength = 1024;

    /// <summary>Creates a fault for the implementation to throw.</summary>
    /// <param name="code">The fault's stable code, e.g. <c>zone-not-found</c> (see <see cref="IsValidCode"/>).</param>
    /// <param name="message">What the caller is told, e.g. <c>Unknown time zone 'Nowhere'.</c></param>
    public ServiceFaultException(string code, string message)
        : base(message ?? throw new ArgumentNullException(nameof(message)))
    {
        Code = code ?? throw new ArgumentNullException(nameof(code));
    }

    /// <summary>The fault as a client received it for <paramref name="method"/>.</summary>
    internal ServiceFaultException(string method, string code, string message)
        : base(message)
    {
        Code = code;
        Method = method;
    }

    /// <summary>The fault's stable code, which callers may branch on.</summary>
    public string Code { get; }

    /// <summary>On the client, the contract method that failed; <see langword="null"/> where the implementation throws it.</summary>
    public string? Method { get; }

    /// <summary>
    /// Whether <paramref name="code"/> may travel as a declared fault's code: 1 to <see cref="MaxCodeLength"/> ASCII
    /// letters, digits, <c>.</c>, <c>_</c> or <c>-</c>, starting with a letter.
    /// </summary>
    public static bool IsValidCode([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? code)
    {
        if (code is not { Length: > 0 and <= MaxCodeLength } || !char.IsAsciiLetter(code[0]))
        {
            return false;
        }

        foreach (var c in code)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The service does not implement a method of this client's contract (it runs an older or different version).</summary>
public sealed class ServiceMethodNotSupportedException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    public ServiceMethodNotSupportedException(string contract, string method)
        : base($"The service for '{contract}' does not support '{method}': it runs another version of the contract. Update the service, or check for support before calling.")
    {
        Contract = contract;
        Method = method;
    }

    /// <summary>The contract's wire name.</summary>
    public string Contract { get; }

    /// <summary>The method's wire signature.</summary>
    public string Method { get; }
}

/// <summary>A message is larger than the frame limit that applies to it; nothing was sent.</summary>
public sealed class MessageTooLargeException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException(long size, long limit, string what)
        : base($"{what} is {size} bytes, larger than the limit of {limit} bytes. Send less data per call, or raise MaxFrameSize on both the host and the client.")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The encoded size of the message.</summary>
    public long Size { get; }

    /// <summary>The limit it exceeded.</summary>
    public long Limit { get; }
}

/// <summary>The service rejected a call's arguments because they could not be decoded (the client and service disagree on a type's shape).</summary>
public sealed class MessageRejectedException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    public MessageRejectedException(string method, string reason)
        : base($"The service rejected the call to '{method}': {reason}")
    {
        Method = method;
    }

    /// <summary>The contract method whose message was rejected.</summary>
    public string Method { get; }
}

/// <summary>A contract interface has no generated code: it is not marked <see cref="ServiceContractAttribute"/>, is not partial, or the generator is not referenced.</summary>
public sealed class ContractNotGeneratedException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    public ContractNotGeneratedException(Type contractType)
        : base($"No ContractGen code was generated for '{contractType.FullName}'. Mark it [ServiceContract], make it partial, fix any CGEN diagnostics, and make sure the project references ContractGen.Generator as an analyzer.")
    {
        ContractType = contractType;
    }

    /// <summary>The interface that has no generated code.</summary>
    public Type ContractType { get; }
}

/// <summary>A received message could not be decoded. The receiving side treats the sender as misbehaving.</summary>
public sealed class MalformedMessageException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    public MalformedMessageException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The service refused the call: the caller's kernel identity does not meet the method's authorization rule.</summary>
public sealed class AccessDeniedException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    public AccessDeniedException(string method, string rule)
        : base($"The service refused the call to '{method}': it may be called by {rule}. Run the client as a user the rule allows, or change the rule on the contract.")
    {
        Method = method;
        Rule = rule;
    }

    /// <summary>The contract method that was refused.</summary>
    public string Method { get; }

    /// <summary>The rule the caller did not meet, in words.</summary>
    public string Rule { get; }
}

/// <summary>
/// A call's argument broke a constraint of the contract (a DataAnnotations attribute, a ContractGen attribute, a
/// declared nullability or a default bound). The implementation never ran.
/// </summary>
public sealed class ArgumentValidationException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The value that failed, e.g. <c>order.Items[3].Sku</c>.</param>
    /// <param name="rule">The rule, e.g. <c>MaxLength</c>.</param>
    /// <param name="limit">The rule's limit in words, e.g. <c>32</c>; empty when the rule has none.</param>
    /// <param name="problem">What was wrong, e.g. <c>is 40 characters long</c>.</param>
    public ArgumentValidationException(string path, string rule, string limit, string problem)
        : base($"'{path}' {problem}: it breaks {rule}{(limit.Length == 0 ? "" : $" ({limit})")}. Send a value the contract allows.")
    {
        Path = path;
        Rule = rule;
        Limit = limit;
        Problem = problem;
    }

    /// <summary>The value that failed, as a path from the parameter, e.g. <c>order.Items[3].Sku</c>.</summary>
    public string Path { get; }

    /// <summary>The rule that failed, e.g. <c>MaxLength</c>, <c>Range</c>, <c>SafePath</c>.</summary>
    public string Rule { get; }

    /// <summary>The rule's limit in words; empty when it has none.</summary>
    public string Limit { get; }

    /// <summary>What was wrong with the value.</summary>
    public string Problem { get; }

    /// <summary>The same failure seen from an enclosing value: <paramref name="segment"/> goes in front of the path.</summary>
    /// <remarks>An element (<c>[3]</c>) or a union case (<c>(as Circle)</c>) follows its parent directly, a member after a dot.</remarks>
    public ArgumentValidationException WithParent(string segment)
    {
        var path = Path.Length == 0 ? segment
            : Path[0] is '[' or '(' ? segment + Path
            : segment + "." + Path;
        return new(path, Rule, Limit, Problem);
    }
}

/// <summary>A call did not complete within its deadline. The service's token for the call fired at the deadline too.</summary>
public sealed class CallTimeoutException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    public CallTimeoutException(string method, TimeSpan timeout)
        : base($"The call to '{method}' did not complete within {timeout}. The service was told to stop working on it. Raise the timeout (ServiceCallTimeout.Begin or ServiceConnectionOptions.DefaultTimeout) if the work needs longer.")
    {
        Method = method;
        Timeout = timeout;
    }

    /// <summary>The contract method that timed out.</summary>
    public string Method { get; }

    /// <summary>The deadline the call had.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>
/// The service refused a connection or a call because the caller's user (its uid) has used up one of its quotas.
/// Quotas keep one local user from taking a shared daemon away from the others; see <see cref="UserQuota"/>.
/// A refused call leaves its connection open: retry once this user's other calls or connections have finished.
/// </summary>
public sealed class QuotaExceededException : ContractGenException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="quota">The quota that was reached.</param>
    /// <param name="limit">The quota's limit, when the service said it.</param>
    /// <param name="what">What was refused, e.g. <c>the connection to 'clock'</c>.</param>
    /// <param name="detail">The service's own words.</param>
    public QuotaExceededException(Quota quota, long? limit, string what, string detail)
        : base($"The service refused {what}: this user's quota {quota}{(limit is { } l ? $" ({l.ToString(System.Globalization.CultureInfo.InvariantCulture)})" : "")} is used up ({detail}). "
            + Advice(quota))
    {
        Quota = quota;
        Limit = limit;
    }

    /// <summary>The quota that was reached.</summary>
    public Quota Quota { get; }

    /// <summary>The quota's limit as the service reported it; <see langword="null"/> when it did not say.</summary>
    public long? Limit { get; }

    private static string Advice(Quota quota) => quota switch
    {
        Quota.ConnectionsPerUser => "Close connections this user no longer needs (one connection carries many concurrent calls), or ask the service's administrator to raise ServiceHostOptions.DefaultUserQuota.",
        Quota.CallsInFlightPerUser => "Wait for this user's calls in flight to finish before starting more, or ask the service's administrator to raise ServiceHostOptions.DefaultUserQuota.",
        Quota.QueuedBytesPerUser => "This user's connections are not reading their replies fast enough; read (await) results before sending more calls.",
        _ => "Retry later.",
    };
}

/// <summary>
/// The process serving the endpoint does not run as the user the contract calls for, or the kernel did not say who it
/// is; the client refused it before sending the handshake or any call (see
/// <see cref="ServiceConnectionOptions.VerifyServerIdentity"/>). Another user may have put a socket where the service
/// should be, or the service runs under an account this client was not told to expect.
/// </summary>
public sealed class ServerIdentityMismatchException : ServiceConnectionException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="contract">The contract's name.</param>
    /// <param name="context">The contract's context, which decides whom to expect.</param>
    /// <param name="endpoint">Where the client connected.</param>
    /// <param name="expectedUserIds">The uids the client accepts.</param>
    /// <param name="actualUserId">The uid the kernel reported for the serving process, <see langword="null"/> when it reported none.</param>
    /// <param name="actualProcessId">The serving process's pid at connect time, when known.</param>
    public ServerIdentityMismatchException(string contract, ServiceContext context, string endpoint, IReadOnlyList<uint> expectedUserIds, uint? actualUserId, int? actualProcessId)
        : base(ConnectionCloseReason.ServerIdentityMismatch, Describe(contract, context, endpoint, expectedUserIds, actualUserId, actualProcessId))
    {
        ExpectedUserIds = expectedUserIds;
        ActualUserId = actualUserId;
    }

    /// <summary>The uids this client would have accepted for the service.</summary>
    public IReadOnlyList<uint> ExpectedUserIds { get; }

    /// <summary>The uid the serving process runs as, per the kernel; <see langword="null"/> when the transport reported no credentials.</summary>
    public uint? ActualUserId { get; }

    private static string Describe(string contract, ServiceContext context, string endpoint, IReadOnlyList<uint> expected, uint? actual, int? pid)
    {
        var accepted = string.Join(" or ", expected.Select(Security.UnixAccounts.Describe));
        if (actual is not { } uid)
        {
            return $"Refused the service at {endpoint} for '{contract}' ({context}): the transport did not report the serving process's credentials, so it cannot be checked against {accepted}. "
                + "Connect over a Unix domain socket on Linux, or, if this transport cannot tell and the service is trusted by other means, set ServiceConnectionOptions.VerifyServerIdentity = false.";
        }

        var who = Security.UnixAccounts.Describe(uid) + (pid is { } p ? $", pid {p.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
        var advice = context switch
        {
            ServiceContext.System => "If the daemon deliberately runs as that service user, set ServiceConnectionOptions.ExpectedServerUserId to its uid (or serve from a directory under /run that root gave to that user, such as systemd's RuntimeDirectory=). Otherwise another user may be answering on the daemon's socket: do not send it anything.",
            ServiceContext.User => "A per-user agent must run as the user who calls it. Check that the socket path is this user's own ($XDG_RUNTIME_DIR), or set ServiceConnectionOptions.ExpectedServerUserId if the agent deliberately runs under another account. Otherwise another user may be answering on the agent's socket: do not send it anything.",
            _ => "A private helper runs as its application's user unless HelperOptions.UserName says otherwise; set ServiceConnectionOptions.ExpectedServerUserId to the helper's uid if it deliberately runs as another user.",
        };
        return $"Refused the service at {endpoint} for '{contract}' ({context}): it runs as {who}, but this client expects {accepted}. Nothing was sent to it. {advice}";
    }
}
