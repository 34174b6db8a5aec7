export default function SurveyResponsesPage(_props: { surveyId: string }) {
  return null;
}
