export default function SurveyResultsPage(_props: { surveyId: string }) {
  return null;
}
