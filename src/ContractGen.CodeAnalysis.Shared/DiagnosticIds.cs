namespace ContractGen.CodeAnalysis;

/// <summary>The IDs of ContractGen's diagnostics. 1xxx contract shape, 2xxx configuration, 3xxx security, 4xxx call sites, 9xxx internal.</summary>
internal static class DiagnosticIds
{
    public const string ContractMustBePartial = "CGEN1001";
    public const string UnsupportedParameterModifier = "CGEN1002";
    public const string GenericMethod = "CGEN1003";
    public const string UnsupportedReturnType = "CGEN1004";
    public const string UnsupportedWireType = "CGEN1005";
    public const string MethodIdentityCollision = "CGEN1006";
    public const string NonMethodMember = "CGEN1007";
    public const string MisplacedCancellationToken = "CGEN1008";
    public const string GenericContract = "CGEN1009";
    public const string OneWayWithResult = "CGEN1010";
    public const string ContractNotReachable = "CGEN1015";

    // The contract lock file (ContractLockAnalyzer).
    public const string ContractChangedFromLock = "CGEN1011";
    public const string ContractNotInLock = "CGEN1012";

    public const string InvalidContractName = "CGEN2001";

    // What may cross a privilege boundary (the transfer rules, src/ContractGen.CodeAnalysis.Shared/Transfer).
    public const string NotMemoryPackable = "CGEN1013";
    public const string ObjectRemoting = "CGEN3001";
    public const string OpenPolymorphism = "CGEN3004";
    public const string DaemonCallback = "CGEN3005";

    // Safety rules of System contracts, the cancellation suggestion and the call-site rule.
    public const string MissingCancellationToken = "CGEN1014";
    public const string ClientSuppliedIdentity = "CGEN3002";
    public const string UnboundedInput = "CGEN3003";
    public const string MissingAuthorization = "CGEN3006";
    public const string UnsafePath = "CGEN3007";
    public const string UnprovenWireLayout = "CGEN3008";
    public const string SyncOverAsyncCall = "CGEN4001";
    public const string ExceptionDetailsInSystemDaemon = "CGEN4002";

    // Client options that weaken a connection's security (ServerIdentityCheckAnalyzer).
    public const string ServerIdentityCheckOff = "CGEN4003";
}
