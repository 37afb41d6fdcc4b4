namespace ContractGen.Generator;

/// <summary>Tracking names of the generator's pipeline steps, for incrementality tests.</summary>
internal static class ContractGeneratorSteps
{
    public const string ParseContracts = nameof(ParseContracts);
    public const string ValidContracts = nameof(ValidContracts);
}
