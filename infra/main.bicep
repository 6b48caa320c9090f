// Samspil on Azure: App Service (Linux, Node 20), an Azure Bot with the Teams channel, a database
// (Azure Cosmos DB for MongoDB vCore, or your own MongoDB URI), Key Vault for the secrets, and
// Application Insights. Everything with a region lands in an EU region. Step by step: README, "Deploying to Azure".
//
//   az deployment group create -g <resource group> -f infra/main.bicep -p infra/main.parameters.json \
//     -p botAppPassword=<client secret> mongoAdminPassword=<password>

targetScope = 'resourceGroup'

@description('EU region for everything that has a region. Sweden Central and West Europe both offer every service used here.')
@allowed([
  'swedencentral'
  'westeurope'
  'northeurope'
  'germanywestcentral'
  'francecentral'
  'italynorth'
  'polandcentral'
  'spaincentral'
])
param location string = 'swedencentral'

@description('Short prefix for resource names: lower-case letters and digits.')
@minLength(3)
@maxLength(11)
param namePrefix string = 'samspil'

@description('Application (client) ID of the Entra app registration used by the bot, for SSO in the tab and for Microsoft Graph.')
param botAppId string

@description('Client secret of that app registration. Stored in Key Vault only.')
@secure()
param botAppPassword string

@description('Tenant of the app registration (single-tenant bot).')
param botAppTenantId string = tenant().tenantId

@description('Tenants whose users may use the tab, comma-separated (the municipality; add e.g. the region for child psychiatry).')
param allowedTenantIds string = tenant().tenantId

@description('Host name Teams reaches the app on. Empty: <app>.azurewebsites.net. A custom domain must also be bound to the web app.')
param customDomain string = ''

@description('Where `new case` in a team puts the case: current, dedicated (a channel per case) or private (a private channel per case). See README, "Case channels".')
@allowed([
  'current'
  'dedicated'
  'private'
])
param caseChannels string = 'dedicated'

@description('cosmos: create an Azure Cosmos DB for MongoDB vCore cluster. external: use mongoDbUri (MongoDB Atlas in an EU region, or self-hosted MongoDB 6+).')
@allowed([
  'cosmos'
  'external'
])
param databaseMode string = 'cosmos'

@description('Only for databaseMode=external: the MongoDB connection string. Stored in Key Vault only.')
@secure()
param mongoDbUri string = ''

@description('Only for databaseMode=cosmos: administrator user of the cluster.')
param mongoAdminUser string = 'samspiladmin'

@description('Only for databaseMode=cosmos: administrator password (8–256 characters, three of: upper case, lower case, digit, symbol).')
@secure()
param mongoAdminPassword string = ''

@description('Only for databaseMode=cosmos: compute tier of the cluster. M25 suits one municipality; M30+ for high availability.')
param mongoTier string = 'M25'

@description('Only for databaseMode=cosmos: keep a standby replica in another availability zone.')
param mongoHighAvailability bool = false

@description('App Service plan SKU. P0v3 or larger for production; B1 for a pilot.')
param appServiceSku string = 'P0v3'

@description('Number of App Service instances. Samspil keeps no state in memory, so more than one is safe (README, "Running more than one instance").')
@minValue(1)
@maxValue(10)
param instanceCount int = 2

@description('Days the logs are kept in Log Analytics.')
param logRetentionDays int = 90

var suffix = uniqueString(resourceGroup().id, namePrefix)
var webAppName = '${namePrefix}-${suffix}'
var appDomain = empty(customDomain) ? '${webAppName}.azurewebsites.net' : customDomain
var useCosmos = databaseMode == 'cosmos'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var tags = {
  application: 'samspil'
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights-${suffix}'
  location: location
  kind: 'web'
  tags: tags
  properties: {
    Application_Type: 'Node.JS'
    WorkspaceResourceId: logs.id
    DisableIpMasking: false
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${namePrefix}-kv-${suffix}', 24)
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource mongoCluster 'Microsoft.DocumentDB/mongoClusters@2024-07-01' = if (useCosmos) {
  name: '${namePrefix}-mongo-${suffix}'
  location: location
  tags: tags
  properties: {
    administrator: {
      userName: mongoAdminUser
      password: mongoAdminPassword
    }
    serverVersion: '7.0'
    compute: {
      tier: mongoTier
    }
    storage: {
      sizeGb: 32
    }
    sharding: {
      shardCount: 1
    }
    highAvailability: {
      targetMode: mongoHighAvailability ? 'ZoneRedundantPreferred' : 'Disabled'
    }
    publicNetworkAccess: 'Enabled'
  }
}

// Connections from Azure services only. For stricter isolation use a private endpoint and VNet
// integration of the web app (README, "Deploying to Azure", hardening).
resource mongoFirewall 'Microsoft.DocumentDB/mongoClusters/firewallRules@2024-07-01' = if (useCosmos) {
  parent: mongoCluster
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

var cosmosUri = 'mongodb+srv://${uriComponent(mongoAdminUser)}:${uriComponent(mongoAdminPassword)}@${mongoCluster.name}.mongocluster.cosmos.azure.com/?tls=true&authMechanism=SCRAM-SHA-256&retrywrites=false&maxIdleTimeMS=120000'

resource mongoUriSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'mongodb-uri'
  properties: {
    value: useCosmos ? cosmosUri : mongoDbUri
    contentType: 'MongoDB connection string'
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bot-app-password'
  properties: {
    value: botAppPassword
    contentType: 'Entra app client secret'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${namePrefix}-plan-${suffix}'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      // No npm and no .bin links needed: node loads tsx (a runtime dependency) itself.
      appCommandLine: 'node --import tsx app/main.ts'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
      // Every setting the app reads is in app/config.ts and documented in .env.example.
      appSettings: [
        { name: 'NODE_ENV', value: 'production' }
        { name: 'LOG_LEVEL', value: 'info' }
        { name: 'MONGODB_URI', value: '@Microsoft.KeyVault(SecretUri=${mongoUriSecret.properties.secretUri})' }
        { name: 'MONGODB_DB', value: 'samspil' }
        { name: 'MicrosoftAppId', value: botAppId }
        { name: 'MicrosoftAppPassword', value: '@Microsoft.KeyVault(SecretUri=${botPasswordSecret.properties.secretUri})' }
        { name: 'MicrosoftAppType', value: 'SingleTenant' }
        { name: 'MicrosoftAppTenantId', value: botAppTenantId }
        { name: 'TAB_AUTH_MODE', value: 'entra' }
        { name: 'TAB_CLIENT_ID', value: botAppId }
        { name: 'TAB_CLIENT_SECRET', value: '@Microsoft.KeyVault(SecretUri=${botPasswordSecret.properties.secretUri})' }
        { name: 'TAB_APP_ID_URI', value: 'api://${appDomain}/${botAppId}' }
        { name: 'TAB_ALLOWED_TENANTS', value: allowedTenantIds }
        { name: 'CASE_CHANNELS', value: caseChannels }
        { name: 'GRAPH_BASE_URL', value: 'https://graph.microsoft.com/v1.0' }
        { name: 'ENTRA_AUTHORITY_HOST', value: 'https://login.microsoftonline.com' }
        // Platform settings (not read by Samspil itself).
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'ApplicationInsightsAgent_EXTENSION_VERSION', value: '~3' }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
      ]
    }
  }
}

resource webDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: web
  properties: {
    workspaceId: logs.id
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
  }
}

// The web app reads its secrets from Key Vault with its own identity; nobody else needs access.
resource webReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, web.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: web.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// The Azure Bot registration is global metadata; messages flow through Teams and the web app above.
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${namePrefix}-bot-${suffix}'
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: 'S1'
  }
  properties: {
    displayName: 'Samspil'
    endpoint: 'https://${appDomain}/api/messages'
    msaAppId: botAppId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botAppTenantId
    developerAppInsightKey: insights.properties.InstrumentationKey
    disableLocalAuth: false
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      acceptedTerms: true
    }
  }
}

output webAppName string = web.name
output appDomain string = appDomain
output messagingEndpoint string = 'https://${appDomain}/api/messages'
output keyVaultName string = vault.name
output botName string = bot.name
