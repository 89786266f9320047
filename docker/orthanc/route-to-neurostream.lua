-- Orthanc auto-routing to NeuroStream (docs/pacs-integration.md): once a study is stable (no new
-- instance for StableAge seconds), send it to the DICOMweb server "neurostream" over STOW-RS as
-- an asynchronous job. The job's state is on Orthanc's /jobs; a failed job can be resubmitted
-- (POST /jobs/{id}/resubmit) and the gateway plus the classifier's de-duplication make a resend
-- harmless.
function OnStableStudy(studyId, tags, metadata)
  local job = RestApiPost('/dicom-web/servers/neurostream/stow',
    '{"Resources": ["' .. studyId .. '"], "Synchronous": false}')
  print('neurostream: routing study ' .. studyId .. ' as job ' .. job)
end
