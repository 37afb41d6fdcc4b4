namespace ContractGen.Protocol;

/// <summary>The kinds of frame on a ContractGen connection.</summary>
public enum FrameKind : byte
{
    /// <summary>Client → service, first frame: protocol version, contract name, fingerprint and method ids.</summary>
    Hello = 1,

    /// <summary>Service → client, answer to <see cref="Hello"/>: accepted or why not, and the service's own shape.</summary>
    HelloAck = 2,

    /// <summary>Client → service: a call. <c>CallId</c> identifies it on the connection, <c>MethodId</c> names the method.</summary>
    Request = 3,

    /// <summary>Service → client: the result of the call with the same <c>CallId</c>.</summary>
    Reply = 4,

    /// <summary>Service → client: the call with the same <c>CallId</c> failed (see <see cref="ErrorCode"/>).</summary>
    Error = 5,

    /// <summary>Client → service: the caller gave up on the call with the same <c>CallId</c>; its token is cancelled.</summary>
    Cancel = 6,

    /// <summary>Either side: the connection is ending and why (<see cref="ConnectionCloseReason"/> travels as the method id field).</summary>
    GoAway = 7,

    /// <summary>Client → service: are you there? Sent on an idle connection; answered with <see cref="Pong"/>.</summary>
    Ping = 8,

    /// <summary>Service → client: the answer to <see cref="Ping"/>.</summary>
    Pong = 9,

    /// <summary>
    /// Service → client: one item of the stream that answers the call with the same <c>CallId</c>. The stream ends
    /// with an empty <see cref="Reply"/>, or an <see cref="Error"/>.
    /// </summary>
    StreamItem = 10,

    /// <summary>
    /// Client → service: the client consumed items of the stream with the same <c>CallId</c>; the service may send
    /// that many more (the count travels in the method-id field). The service starts with
    /// <see cref="ProtocolConstants.StreamWindow"/> credits, so a slow client slows the producer.
    /// </summary>
    StreamCredit = 11,
}

/// <summary>Bits of the header's flags byte. Only <see cref="FrameKind.Request"/> frames carry any.</summary>
[Flags]
public enum FrameOptions : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>A one-way call: the service sends no reply, not even an error.</summary>
    OneWay = 1,

    /// <summary>The payload starts with a <c>u32</c> timeout in milliseconds; the service's token for the call fires then.</summary>
    HasDeadline = 2,

    /// <summary>Every flag this protocol version defines.</summary>
    All = OneWay | HasDeadline,
}

/// <summary>Why a call failed, carried in an <see cref="FrameKind.Error"/> frame.</summary>
public enum ErrorCode : byte
{
    /// <summary>
    /// The implementation threw an exception it did not declare. <c>Details</c> holds the fault id the host logged it
    /// under; <c>TypeName</c> and <c>Message</c> are empty unless the host's options (or a private helper's defaults)
    /// let them travel.
    /// </summary>
    RemoteFault = 1,

    /// <summary>The service does not know the method id.</summary>
    MethodNotFound = 2,

    /// <summary>The arguments could not be decoded.</summary>
    BadRequest = 3,

    /// <summary>The service is shutting down and cancelled the call.</summary>
    ShuttingDown = 4,

    /// <summary>The caller's identity does not meet the method's authorization rule; the arguments were not decoded.</summary>
    AccessDenied = 5,

    /// <summary>An argument broke a constraint of the contract; the implementation did not run.</summary>
    ValidationFailed = 6,

    /// <summary>
    /// The caller's user has used up one of its quotas (calls in flight or queued reply bytes); the implementation did not
    /// run and the connection stays open. <c>Details</c> holds the quota's name and its limit.
    /// </summary>
    QuotaExceeded = 7,

    /// <summary>
    /// The implementation threw a <see cref="ServiceFaultException"/>: a fault its contract declares. <c>Details</c>
    /// holds its code (checked by both sides with <see cref="ServiceFaultException.IsValidCode"/>), <c>Message</c> its
    /// message of at most <see cref="ServiceFaultException.MaxMessageLength"/> characters.
    /// </summary>
    ServiceFault = 8,
}

/// <summary>Why a peer is ending the connection, carried in the method-id field of a <see cref="FrameKind.GoAway"/> frame.</summary>
internal enum GoAwayReason : uint
{
    /// <summary>The service is shutting down: calls in flight still complete, new ones are refused.</summary>
    ShuttingDown = 1,

    /// <summary>The sender received a frame that breaks the protocol and is closing the connection.</summary>
    ProtocolViolation = 2,

    /// <summary>
    /// The service refused the connection: the client's user has as many connections open as its quota allows. The
    /// header's call-id field carries the <see cref="Quota"/> that was reached.
    /// </summary>
    QuotaExceeded = 3,
}
