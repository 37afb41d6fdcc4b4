using Microsoft.Extensions.Logging;

namespace ContractGen;

/// <summary>The host's log messages, source-generated so that disabled levels cost nothing.</summary>
internal static partial class HostLog
{
    [LoggerMessage(1, LogLevel.Information, "Listening on {Endpoint} for {Contracts}")]
    public static partial void Listening(this ILogger logger, string endpoint, string contracts);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} opened for '{Contract}' by pid {Pid}, uid {Uid}")]
    public static partial void ClientConnected(this ILogger logger, long connectionId, string contract, int? pid, uint? uid);

    [LoggerMessage(3, LogLevel.Debug, "Connection {ConnectionId} closed ({Reason}): {Detail}")]
    public static partial void ClientDisconnected(this ILogger logger, long connectionId, ConnectionCloseReason reason, string detail);

    [LoggerMessage(4, LogLevel.Warning, "Connection {ConnectionId} refused a handshake for '{Contract}': {Why}")]
    public static partial void HandshakeRefused(this ILogger logger, long connectionId, string contract, string why);

    [LoggerMessage(5, LogLevel.Warning, "Connection {ConnectionId} closed: the client (pid {Pid}, uid {Uid}) broke the protocol: {Detail}")]
    public static partial void ProtocolViolation(this ILogger logger, long connectionId, int? pid, uint? uid, string detail);

    [LoggerMessage(6, LogLevel.Warning, "Connection {ConnectionId}: a request to {Contract}.{Method} from {Caller} could not be decoded: {Detail}")]
    public static partial void MalformedRequest(this ILogger logger, long connectionId, string contract, string method, string caller, string detail);

    [LoggerMessage(7, LogLevel.Error, "Connection {ConnectionId}: {Contract}.{Method} called by {Caller} threw; the caller was told fault id {FaultId}")]
    public static partial void CallFailed(this ILogger logger, long connectionId, string contract, string method, string caller, string faultId, Exception exception);

    [LoggerMessage(8, LogLevel.Information, "Connection {ConnectionId} runs another version of '{Contract}' (client fingerprint {ClientFingerprint:x16}, host {HostFingerprint:x16}); methods are matched one by one")]
    public static partial void VersionSkew(this ILogger logger, long connectionId, string contract, ulong clientFingerprint, ulong hostFingerprint);

    [LoggerMessage(9, LogLevel.Error, "Accepting a connection failed")]
    public static partial void AcceptFailed(this ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Refused a connection from pid {Pid}, uid {Uid}: {Max} connections are open")]
    public static partial void ConnectionRefused(this ILogger logger, int max, int? pid, uint? uid);

    [LoggerMessage(11, LogLevel.Warning, "Shutdown timed out with calls in flight on {Connections} connections; cancelling them")]
    public static partial void ShutdownTimedOut(this ILogger logger, int connections);

    [LoggerMessage(13, LogLevel.Warning, "Connection {ConnectionId}: refused {Contract}.{Method} for {Caller}; it may be called by {Rule}")]
    public static partial void AccessDenied(this ILogger logger, long connectionId, string contract, string method, string caller, string rule);

    [LoggerMessage(14, LogLevel.Warning, "Connection {ConnectionId}: rejected {Contract}.{Method} from {Caller}: {Problem}")]
    public static partial void ValidationFailed(this ILogger logger, long connectionId, string contract, string method, string caller, string problem);

    [LoggerMessage(15, LogLevel.Warning, "Connection {ConnectionId}: one-way call {Contract}.{Method} from {Caller} failed")]
    public static partial void OneWayFailed(this ILogger logger, long connectionId, string contract, string method, string caller, Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "Refused a connection from pid {Pid}, uid {Uid}: quota {Quota} ({Limit}) reached ({Unlogged} more refusals of this user not logged since the last)")]
    public static partial void ConnectionQuotaExceeded(this ILogger logger, int? pid, uint uid, Quota quota, long limit, int unlogged);

    [LoggerMessage(17, LogLevel.Warning, "Connection {ConnectionId}: refused {Contract}.{Method} for pid {Pid}, uid {Uid}: quota {Quota} ({Limit}) reached ({Unlogged} more refusals of this user not logged since the last)")]
    public static partial void CallQuotaExceeded(this ILogger logger, long connectionId, string contract, string method, int? pid, uint uid, Quota quota, long limit, int unlogged);

    // Faults: 30-39.
    [LoggerMessage(30, LogLevel.Debug, "Connection {ConnectionId}: {Contract}.{Method} answered with its declared fault {Code}: {Message}")]
    public static partial void DeclaredFault(this ILogger logger, long connectionId, string contract, string method, string code, string message);

    [LoggerMessage(31, LogLevel.Error, "Connection {ConnectionId}: {Contract}.{Method} threw a ServiceFaultException with the invalid code '{Code}' (a code is 1-64 ASCII letters, digits, '.', '_' or '-', starting with a letter); it was sent as an undeclared fault, fault id {FaultId}")]
    public static partial void InvalidDeclaredFault(this ILogger logger, long connectionId, string contract, string method, string code, string faultId, Exception exception);

    [LoggerMessage(12, LogLevel.Information, "Host stopped")]
    public static partial void Stopped(this ILogger logger);
}
