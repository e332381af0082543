// Workspace and its dependencies for the loan-default model.
param location string = resourceGroup().location
param prefix string = 'loan'

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: '${prefix}mlstore'
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
  }
}

resource workspace 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
  name: 'mlw-${prefix}'
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    storageAccount: storage.id
    publicNetworkAccess: 'Disabled'
    managedNetwork: {
      isolationMode: 'AllowOnlyApprovedOutbound'
    }
  }
}
