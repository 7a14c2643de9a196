<#
.SYNOPSIS
  Connects the GLPI Agent (or FusionInventory agent) already installed on this Windows machine to ItInventory,
  without reinstalling it.
.DESCRIPTION
  1. Enrolls the machine with an enrollment secret (POST <api>/devices/enroll) and receives its own device credential.
  2. Writes the agent's own configuration (HKLM\SOFTWARE\GLPI-Agent, or HKLM\SOFTWARE\FusionInventory-Agent) with
     the server URL and that per-device credential, and restricts the key to SYSTEM and Administrators (by default
     HKLM\SOFTWARE is readable by every user). The enrollment secret is never written anywhere.
  3. Restarts the agent's service so it reports now.
  Run as Administrator:
    .\connect-agent.ps1 -Api https://inventory.example.com/api -EnrollmentSecret $secret
.PARAMETER Api
  The ItInventory API base URL (…/api).
.PARAMETER EnrollmentSecret
  An enrollment secret from an administrator (or the ITINVENTORY_ENROLLMENT_SECRET environment variable).
.PARAMETER Agent
  glpi-agent (default when installed) or fusioninventory.
.PARAMETER OAuth
  Write the credential as the GLPI Agent's OAuth client id/secret (agents >= 1.10) instead of user/password.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$Api,
    [string]$EnrollmentSecret = $env:ITINVENTORY_ENROLLMENT_SECRET,
    [ValidateSet('glpi-agent', 'fusioninventory', '')][string]$Agent = '',
    [switch]$OAuth,
    [switch]$NoRestart
)
$ErrorActionPreference = 'Stop'
$Api = $Api.TrimEnd('/')
if (-not $EnrollmentSecret) { throw 'Give -EnrollmentSecret (or set ITINVENTORY_ENROLLMENT_SECRET).' }

if (-not $Agent) {
    if (Test-Path 'HKLM:\SOFTWARE\GLPI-Agent') { $Agent = 'glpi-agent' }
    elseif (Test-Path 'HKLM:\SOFTWARE\FusionInventory-Agent') { $Agent = 'fusioninventory' }
    else { throw 'No GLPI Agent or FusionInventory agent found: install one first.' }
}

# ---- what the machine is ----
$bios = Get-CimInstance Win32_BIOS
$product = Get-CimInstance Win32_ComputerSystemProduct
$system = Get-CimInstance Win32_ComputerSystem
$macs = @(Get-NetAdapter -Physical -ErrorAction SilentlyContinue | Where-Object MacAddress |
    ForEach-Object { $_.MacAddress })
$machineGuid = (Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Cryptography' -Name MachineGuid).MachineGuid
$body = @{
    enrollmentSecret   = $EnrollmentSecret
    hostname           = $env:COMPUTERNAME
    serialNumber       = $bios.SerialNumber
    smbiosUuid         = $product.UUID
    macAddresses       = $macs
    platformIdentities = @{ machineGuid = $machineGuid }
    manufacturer       = $system.Manufacturer
    model              = $system.Model
    agent              = @{ name = $Agent; version = 'connect-agent.ps1' }
} | ConvertTo-Json -Depth 4
$enrolled = Invoke-RestMethod -Method Post -Uri "$Api/devices/enroll" -ContentType 'application/json' -Body $body
$deviceId = $enrolled.deviceId
$deviceSecret = $enrolled.deviceSecret

# ---- the agent's own configuration ----
if ($Agent -eq 'glpi-agent') {
    $key = 'HKLM:\SOFTWARE\GLPI-Agent'
    $server = "$Api/agents/glpi/"
    $service = 'glpi-agent'
} else {
    $key = 'HKLM:\SOFTWARE\FusionInventory-Agent'
    $server = "$Api/agents/ocs"
    $service = 'FusionInventory-Agent'
}
if (-not (Test-Path $key)) { New-Item -Path $key -Force | Out-Null }
# Lock the key down before the secret is written into it.
$acl = New-Object System.Security.AccessControl.RegistrySecurity
$acl.SetAccessRuleProtection($true, $false)
foreach ($sid in 'S-1-5-18', 'S-1-5-32-544') {
    $identity = (New-Object System.Security.Principal.SecurityIdentifier $sid)
    $rule = New-Object System.Security.AccessControl.RegistryAccessRule(
        $identity, 'FullControl', 'ContainerInherit', 'None', 'Allow')
    $acl.AddAccessRule($rule)
}
Set-Acl -Path $key -AclObject $acl
Set-ItemProperty -Path $key -Name server -Value $server
if ($OAuth) {
    Set-ItemProperty -Path $key -Name 'oauth-client-id' -Value $deviceId
    Set-ItemProperty -Path $key -Name 'oauth-client-secret' -Value $deviceSecret
} else {
    Set-ItemProperty -Path $key -Name user -Value $deviceId
    Set-ItemProperty -Path $key -Name password -Value $deviceSecret
}
Write-Host "Enrolled as device $deviceId; $Agent configured in $key"
if (-not $NoRestart -and (Get-Service -Name $service -ErrorAction SilentlyContinue)) {
    Restart-Service -Name $service
}
